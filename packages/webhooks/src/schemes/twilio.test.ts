import assert from 'node:assert/strict';
import { test } from 'node:test';
import { twilioBodyUrl, twilioScheme } from './twilio.ts';

// Published in Twilio's webhook security docs and its SDKs' RequestValidator tests (auth token "12345").
const TOKEN = '12345';
const URL = 'https://mycompany.com/myapp.php?foo=1&bar=2';
const FORM =
  'CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=1234&From=%2B14158675309&To=%2B18005551212';
const JSON_BODY = '{"property": "value", "boolean": true}';
const BODY_HASH = '0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620';

async function code(body: string, url: string | undefined, signature: string, secret = TOKEN) {
  const r = await twilioScheme.verify(
    { headers: { 'X-Twilio-Signature': signature }, body, ...(url === undefined ? {} : { url }) },
    { secret },
  );
  return r.ok ? 'ok' : r.code;
}

test('Twilio: the published form vectors verify, in any parameter order and with repeated names', async () => {
  assert.equal(await code(FORM, URL, 'RSOYDt4T1cUTdK1PDd93/VVr8B8='), 'ok');
  const shuffled =
    'To=%2B18005551212&Digits=1234&From=%2B14158675309&CallSid=CA1234567890ABCDE&Caller=%2B14158675309';
  assert.equal(await code(shuffled, URL, 'RSOYDt4T1cUTdK1PDd93/VVr8B8='), 'ok');
  assert.equal(
    await code(
      'Sid=CA123&SidAccount=AC123&Digits=5678&Digits=1234&Digits=1234',
      URL,
      'IK+Dwps556ElfBT0I3Rgjkr1wJU=',
    ),
    'ok',
  );
  assert.equal(
    await code(FORM.replace('1234', '9999'), URL, 'RSOYDt4T1cUTdK1PDd93/VVr8B8='),
    'invalid_signature',
  );
  assert.equal(await code(FORM, `${URL}&extra=1`, 'RSOYDt4T1cUTdK1PDd93/VVr8B8='), 'invalid_signature');
});

test('Twilio: ports are tried with and without the default, credentials in the URL are kept', async () => {
  assert.equal(await code(FORM, URL.replace('.com', '.com:1234'), 'RSOYDt4T1cUTdK1PDd93/VVr8B8='), 'ok');
  assert.equal(
    await code(
      FORM,
      URL.replace('.com', '.com:1234').replace('https', 'http'),
      'Zmvh+3yNM1Phv2jhDCwEM3q5ebU=',
    ),
    'ok',
  );
  assert.equal(await code(FORM, URL, 'kvajT1Ptam85bY51eRf/AJRuM3w='), 'ok');
  assert.equal(await code(FORM, URL.replace('https', 'http'), '0ZXoZLH/DfblKGATFgpif+LLRf4='), 'ok');
  assert.equal(
    await code(FORM, 'https://user:pass@mycompany.com/myapp.php?foo=1&bar=2', 'CukzLTc1tT5dXEDIHm/tKBanW10='),
    'ok',
  );
  assert.equal(
    await code(FORM, 'https://user:pass@mycompany.com/myapp.php?foo=1&bar=2', 'ZQFR1PTIZXF2MXB8ZnKCvnnA+rI='),
    'ok',
  );
});

test('Twilio: the bodySHA256 variant for JSON bodies', async () => {
  const url = `${URL}&bodySHA256=${BODY_HASH}`;
  assert.equal(await twilioBodyUrl(URL, JSON_BODY), url);
  assert.equal(
    await twilioBodyUrl('https://x.test/hook', JSON_BODY),
    `https://x.test/hook?bodySHA256=${BODY_HASH}`,
  );
  assert.equal(await code(JSON_BODY, url, 'a9nBmqA0ju/hNViExpshrM61xv4='), 'ok');
  assert.equal(await code(`${JSON_BODY} `, url, 'a9nBmqA0ju/hNViExpshrM61xv4='), 'invalid_signature');
  assert.equal(await code(JSON_BODY, URL, 'RSOYDt4T1cUTdK1PDd93/VVr8B8='), 'invalid_signature');
  assert.deepEqual(await twilioScheme.sign({ body: JSON_BODY, url }, { secret: TOKEN }), {
    'x-twilio-signature': 'a9nBmqA0ju/hNViExpshrM61xv4=',
  });
});

test('Twilio: sign, typed failures and describe', async () => {
  assert.deepEqual(await twilioScheme.sign({ body: FORM, url: URL }, { secret: TOKEN }), {
    'x-twilio-signature': 'RSOYDt4T1cUTdK1PDd93/VVr8B8=',
  });
  await assert.rejects(twilioScheme.sign({ body: FORM }, { secret: TOKEN }), { code: 'missing_url' });
  assert.equal(await code(FORM, undefined, 'RSOYDt4T1cUTdK1PDd93/VVr8B8='), 'missing_url');
  assert.equal(await code(FORM, URL, 'AAAA'), 'malformed_header');
  assert.equal(await code(FORM, 'not a url', 'RSOYDt4T1cUTdK1PDd93/VVr8B8='), 'invalid_signature');
  assert.deepEqual(
    twilioScheme.describe({ headers: { 'I-Twilio-Idempotency-Token': 'tok-1' }, body: FORM }),
    { id: 'tok-1' },
  );
  assert.deepEqual(twilioScheme.describe({ headers: {}, body: FORM }), {});
});

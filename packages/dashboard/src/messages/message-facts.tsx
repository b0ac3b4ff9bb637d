import type { ComponentChildren } from 'preact';
import type { Message } from '../api/types.ts';
import { IdText } from '../components/id-text.tsx';
import { Time } from '../components/time.tsx';
import type { Directory } from '../hooks/use-directory.ts';

function Fact({ term, children }: { term: string; children: ComponentChildren }) {
  return (
    <>
      <dt>{term}</dt>
      <dd>{children}</dd>
    </>
  );
}

const NONE = <span class="muted">—</span>;

/** A message's metadata: what it is, where it came from, who it is for. */
export function MessageFacts({ message, directory }: { message: Message; directory: Directory }) {
  return (
    <dl class="facts card">
      <Fact term="Event type">
        <code>{message.eventType}</code>
      </Fact>
      <Fact term="Source">
        {message.sourceId === null ? (
          'Published through the API'
        ) : (
          <a href={`#/sources/${message.sourceId}`}>{directory.sourceLabel(message.sourceId)}</a>
        )}
        {message.subPath ? <code> {message.subPath}</code> : null}
      </Fact>
      <Fact term="Tenant">{message.tenant ?? NONE}</Fact>
      <Fact term="Channels">{message.channels.length > 0 ? message.channels.join(', ') : NONE}</Fact>
      <Fact term="Message id">
        <IdText id={message.id} />
      </Fact>
      <Fact term="Event id">{message.eventId ? <IdText id={message.eventId} /> : NONE}</Fact>
      <Fact term="Idempotency key">{message.idempotencyKey ?? NONE}</Fact>
      <Fact term="Content type">{message.contentType ?? NONE}</Fact>
      <Fact term="Received">
        <Time iso={message.createdAt} />
      </Fact>
    </dl>
  );
}

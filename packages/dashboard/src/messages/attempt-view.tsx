import type { Attempt } from '../api/types.ts';
import { CodeBlock } from '../components/code-block.tsx';
import { HttpStatus, StatusBadge } from '../components/status-badge.tsx';
import { formatDuration, Time } from '../components/time.tsx';
import { HeadersBlock } from './message-body.tsx';

/**
 * One HTTP try, collapsed to a line (number, status, duration, trigger, error kind) that opens to the
 * request headers sent and the response received.
 */
export function AttemptView({ attempt, open = false }: { attempt: Attempt; open?: boolean }) {
  return (
    <details class="attempt" open={open} data-testid="attempt">
      <summary>
        <strong>#{attempt.attemptNumber}</strong>
        <HttpStatus code={attempt.responseStatus} />
        <StatusBadge status={attempt.trigger} />
        {attempt.errorKind && attempt.errorKind !== 'none' ? (
          <StatusBadge status="failed" label={attempt.errorKind} />
        ) : null}
        <span>{formatDuration(attempt.durationMs)}</span>
        <Time iso={attempt.createdAt} />
      </summary>
      <div>
        <p>
          <code class="id">POST {attempt.url}</code>
        </p>
        {attempt.errorMessage ? <p class="error-banner">{attempt.errorMessage}</p> : null}
        <HeadersBlock headers={attempt.requestHeaders} label="Request headers sent" />
        <HeadersBlock headers={attempt.responseHeaders} label="Response headers" />
        {attempt.responseBody !== null && attempt.responseBody !== '' ? (
          <CodeBlock label="Response body" code={attempt.responseBody} />
        ) : (
          <p class="muted">Response body: empty.</p>
        )}
      </div>
    </details>
  );
}

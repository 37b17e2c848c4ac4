import type { Headers } from './credentials';

/**
 * Single requests the bench makes to a running ledger outside the load generator: probes, sample reads and
 * setup writes, with Node's fetch.
 */

export interface Answer {
  status: number;
  body: string;
}

export const get = async (url: string, headers: Headers = {}): Promise<Answer> => {
  const response = await fetch(url, { headers });
  return { status: response.status, body: await response.text() };
};

export const postJson = async (url: string, headers: Headers, body: unknown): Promise<Answer> => {
  const response = await fetch(url, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.text() };
};

/** GETs `url` until it answers 200, every `intervalMs`; connection refusals count as not yet. */
export const firstOk = async (url: string, headers: Headers, timeoutMs: number, intervalMs = 5): Promise<Answer> => {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      const answer = await get(url, headers);
      if (answer.status === 200) return answer;
      last = `${answer.status} ${answer.body.slice(0, 200)}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs} ms (last: ${last})`);
};

/** Waits until the ledger's projections have reached `position` (GET /healthz `projectedPosition`). */
export const waitForProjections = async (url: string, position: number, timeoutMs: number): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const { body } = await get(`${url}/healthz`);
    const projected = Number((JSON.parse(body) as { projectedPosition?: string }).projectedPosition ?? 0);
    if (projected >= position) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the projections did not reach position ${position} within ${timeoutMs} ms`);
};

// @ts-check
// The one door to the server: a typed client of our REST API (openapi-fetch, typed from
// types/api.d.ts, which is generated from openapi/tollgate.json). It sends the CSRF token on
// writes, turns problem+json answers into ApiProblem errors (with the field errors' JSON
// pointers), and keeps the ETag of what was read for If-Match on the next write.
import createClient from 'openapi-fetch';

/** @typedef {import('../types/api').paths} Paths */
/** @typedef {import('../types/api').components['schemas']} Schemas */
/** @typedef {Schemas['Problem']} Problem */
/** @typedef {Schemas['FieldError']} FieldError */

const CSRF_COOKIE = 'tg_csrf';

/** The CSRF token the server set at sign-in (a cookie this script may read, by design). */
export function csrfToken() {
  for (const part of document.cookie.split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === CSRF_COOKIE) return decodeURIComponent(value.join('='));
  }
  return '';
}

/** An error answer of the API, carrying its problem document. */
export class ApiProblem extends Error {
  /**
   * @param {number} status
   * @param {Partial<Problem>} problem
   */
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.name = 'ApiProblem';
    this.status = status;
    this.code = problem.code || 'unknown';
    this.problem = problem;
    /** @type {FieldError[]} */
    this.errors = Array.isArray(problem.errors) ? problem.errors : [];
  }

  /**
   * The messages for one field, by the JSON pointer of the request body the field edits (or,
   * with `prefix`, for every pointer under it).
   * @param {string} pointer
   * @param {{ prefix?: boolean }} [opts]
   */
  messagesFor(pointer, opts = {}) {
    return this.errors
      .filter((e) => e.pointer === pointer || (opts.prefix && e.pointer.startsWith(pointer + '/')))
      .map((e) => e.message);
  }
}

/** Answered when the server could not be reached at all. */
export class NetworkError extends Error {
  /** @param {unknown} cause */
  constructor(cause) {
    super('network', { cause });
    this.name = 'NetworkError';
  }
}

/** @type {import('openapi-fetch').Middleware} */
const csrf = {
  onRequest({ request }) {
    if (!['GET', 'HEAD', 'OPTIONS'].includes(request.method)) {
      const token = csrfToken();
      if (token) request.headers.set('X-CSRF-Token', token);
    }
    return request;
  },
};

/** @type {import('openapi-fetch').Client<Paths>} */
export const client = createClient({ baseUrl: '' });
client.use(csrf);

/**
 * Listeners told of every 401 (the session ended): the shell sends the user to sign in.
 * @type {Set<() => void>}
 */
export const onSignedOut = new Set();

/**
 * The data of a call, or an ApiProblem thrown for an error answer.
 * @template T
 * @param {Promise<{ data?: T, error?: unknown, response: Response }>} call
 * @returns {Promise<{ data: T, etag: string | null, response: Response }>}
 */
export async function send(call) {
  let result;
  try {
    result = await call;
  } catch (e) {
    throw new NetworkError(e);
  }
  const { data, error, response } = result;
  if (!response.ok) {
    const problem = /** @type {Partial<Problem>} */ (error && typeof error === 'object' ? error : {});
    if (response.status === 401) for (const listener of onSignedOut) listener();
    throw new ApiProblem(response.status, problem);
  }
  return { data: /** @type {T} */ (data), etag: response.headers.get('etag'), response };
}

/**
 * Only the data of a call.
 * @template T
 * @param {Promise<{ data?: T, error?: unknown, response: Response }>} call
 * @returns {Promise<T>}
 */
export async function get(call) {
  return (await send(call)).data;
}

/** A stale write: someone changed the object since it was read (412 on If-Match). */
export const isStale = (/** @type {unknown} */ e) => e instanceof ApiProblem && e.status === 412;

/**
 * Changes an API, sending the ETag it was read with as If-Match: an edit over someone else's
 * is refused (412, `isStale`), never lost. Answers the API as saved and its new ETag.
 * @param {string} id
 * @param {string | null} etag
 * @param {Schemas['UpdateApiRequest']} changes
 */
export async function patchApi(id, etag, changes) {
  const { data, etag: next } = await send(client.PATCH('/api/v1/apis/{api_id}', {
    params: { path: { api_id: id } },
    headers: etag ? { 'If-Match': etag } : {},
    body: changes,
  }));
  return { api: data, etag: next };
}

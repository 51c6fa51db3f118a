import type { components, paths } from '@water/api-client';
import type { Client } from 'openapi-fetch';

/** The console's typed API client ($api): paths, parameters, bodies and answers from open-api/openapi.json. */
export type ApiClient = Client<paths>;
/** A schema of the API's OpenAPI document, e.g. ApiSchema<'MeterDetailDto'>. */
export type ApiSchema<Name extends keyof components['schemas']> = components['schemas'][Name];

/**
 * A refused call, shaped like ofetch's FetchError (statusCode, statusMessage, data, response) so
 * toApiFailure(), useAsyncData's error and the error page read it as they always did.
 */
export class ApiError extends Error {
  readonly statusCode: number;
  readonly statusMessage: string;
  readonly data: unknown;
  readonly response: Response;

  constructor(response: Response, body: unknown) {
    super(`${response.status} ${response.statusText}`.trim());
    this.name = 'ApiError';
    this.statusCode = response.status;
    this.statusMessage = response.statusText;
    this.data = body;
    this.response = response;
  }
}

/** The data of an openapi-fetch answer, or an ApiError: composables keep the throw-on-failure flow of $fetch. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (!result.response.ok) throw new ApiError(result.response, result.error);
  return result.data as T;
}

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Operation<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>;
type JsonOf<R> = R extends { content: { 'application/json': infer B } } ? B : never;

/** The query parameters of a route, e.g. ApiQuery<'/api/meters'>. */
export type ApiQuery<P extends keyof paths, M extends Method = 'get'> = NonNullable<
  Operation<P, M> extends { parameters: { query?: infer Q } } ? Q : never
>;
/** The JSON body a route takes, e.g. ApiBody<'/api/tenants', 'post'>. */
export type ApiBody<P extends keyof paths, M extends Method> =
  Operation<P, M> extends { requestBody?: infer B } ? JsonOf<NonNullable<B>> : never;
/** The JSON a route answers on success (200 or 201). */
export type ApiResponse<P extends keyof paths, M extends Method = 'get'> =
  Operation<P, M> extends { responses: infer R } ? JsonOf<R[Extract<keyof R, 200 | 201>]> : never;

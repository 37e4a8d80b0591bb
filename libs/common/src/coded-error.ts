/**
 * Base of every coded exception. Each module declares a string enum of codes and one subclass;
 * the API's exception filter maps every code to an HTTP status with an exhaustive switch.
 * `meta` holds safe, structured details for the problem body and logs — never secrets.
 */
export abstract class CodedError<C extends string = string> extends Error {
  abstract readonly code: C;

  constructor(
    message: string,
    readonly meta: Readonly<Record<string, unknown>> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export function isCodedError(e: unknown): e is CodedError {
  return e instanceof CodedError;
}

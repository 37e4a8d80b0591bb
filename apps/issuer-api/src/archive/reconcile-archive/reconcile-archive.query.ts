/** Every issued card has each escrowed version of its VSC in exactly one sealed volume. */
export class ReconcileArchiveQuery {}

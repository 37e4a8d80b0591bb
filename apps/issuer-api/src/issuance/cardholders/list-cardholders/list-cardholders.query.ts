/** Cardholders matching a search (name, e-mail, UPN, organisation id), or one by id. */
export class ListCardholdersQuery {
  constructor(readonly filter: { id?: string; search?: string; limit?: number; offset?: number }) {}
}

/** A card named by its id (UUID) or its serial. */
export const CARD_REF = /^[0-9A-Za-z_-]{1,64}$/;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a card reference is an id rather than a serial (the help desk reads serials off cards). */
export const isUuid = (ref: string): boolean => UUID.test(ref);

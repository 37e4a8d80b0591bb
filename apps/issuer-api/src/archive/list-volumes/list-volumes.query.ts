/** Sealed volumes, newest first; with a number, that volume and its entries. */
export class ListVolumesQuery {
  constructor(readonly limit = 200) {}
}

export class ShowVolumeQuery {
  constructor(readonly volume: number) {}
}

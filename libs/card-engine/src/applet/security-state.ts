/**
 * Session security state of the PIV applet. It survives a re-SELECT of PIV (OpenSC re-selects at
 * the start of every transaction when there is no Discovery object) and is cleared on power-off,
 * reset, a Yubico RESET, and when the management application is selected.
 */
export class SecurityState {
  /** PIN (80) verified in this session. */
  pinVerified = false;
  /**
   * Set by a successful VERIFY and cleared by the next complete applet command other than VERIFY:
   * what a slot with PIN policy "always" (9C by default) needs immediately before each use.
   */
  pinJustVerified = false;
  /** Management key (9B) authenticated. */
  mgmAuthenticated = false;
  /** The 9B witness or challenge the card handed out; valid for the next command only. */
  mgmPending: { readonly step: 'witness' | 'challenge'; readonly value: Uint8Array; readonly algorithm: number } | undefined;

  clear(): void {
    this.pinVerified = false;
    this.pinJustVerified = false;
    this.mgmAuthenticated = false;
    this.mgmPending = undefined;
  }
}

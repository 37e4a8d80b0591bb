/**
 * @scm/apdu — pure ISO 7816-4 codecs and transport layers: bytes in, bytes out.
 *
 * Values
 *   new CommandApdu({ cla, ins, p1, p2, data?, ne?, extended? })   immutable, validated (cases 1-4)
 *     CommandApdu.of(cla, ins, p1, p2, data?, ne?)                 ne = Ne (1..256 short, ..65536 extended;
 *     CommandApdu.parse(bytes)                                      a short Le 00 = 256); absent = no Le
 *     .cla .ins .p1 .p2 .data (copy) .nc .ne .extended .case .chained .with({...}) .toBytes() .hex
 *   new ResponseApdu(data, sw) / ResponseApdu.of(data?, sw=9000) / ResponseApdu.parse(bytes)
 *     .data (copy) .sw .sw1 .sw2 .ok .hex .toBytes() .expect(accepted = [0x9000], context?)
 * Status words
 *   SW.OK, SW.FILE_NOT_FOUND, ... (as const)   describeSw(0x6a82) = 'file or application not found'
 *   formatSw(sw) = 'SW=6A82 (file or application not found)'   retriesFromSw(0x63c2) = 2
 *   expectSw(resp, accepted?, context?)   StatusWordError { sw, sw1, sw2, retries, accepted }
 * BER-TLV (strict)
 *   type Tlv = { tag: number; value: Uint8Array }   tags as numbers: 0x53, 0x7f49, 0x5fc105
 *   encodeTlv(tag, value?) encodeTlvs(list) encodeConstructed(tag, ...encodedChildren)
 *   parseTlvs(bytes) parseTlv(bytes) (exactly one) parseLocatedTlvs(bytes, base?) (with offsets)
 *   findTlv(list, tag) requireTlv(list, tag, what?) findNested(bytes, ...tags) requireNested(...)
 *   tagBytes(tag) lengthBytes(n)   TlvError { offset }
 * Transport (each layer wraps one `transmit(bytes) -> Promise<bytes>`; every loop capped)
 *   interface ByteTransport { transmit(apdu: Uint8Array): Promise<Uint8Array> }   (PcscCardChannel fits)
 *   createApduChannel(raw, { extendedLength?, maxExtendedNc?, trace?: pinoLogger, maxGetResponse? })
 *     .send(cmd) -> ResponseApdu (any SW)   .transmit(cmd, accepted = [0x9000], context?) -> checked
 *     61xx -> GET RESPONSE, 6Cxx -> resend with Le, Nc > 255 -> CLA|0x10 chain of 255-byte links
 *     (or one extended APDU when extendedLength), one command at a time (ChannelBusyError)
 *   withTrace(raw, log) withResponseCollection(raw, opts)   SENSITIVE_INS (redacted in traces)
 * Transcripts (tests)
 *   new TranscriptTransport(text)  lines "=> hex" / "<= hex", "#" comments; mismatch -> TranscriptError
 *     naming the line; .assertDone() fails on unused exchanges.   new TranscriptRecorder(inner).text()
 * ATR
 *   parseAtr(atr) -> { protocols, historical, compact (tag -> value), chaining, extendedLength }
 * Bytes
 *   toHex(b) fromHex(s) concatBytes(...b) bytesEqual(a, b)
 * Errors (all extend ApduError { code: ApduErrorCode, meta }; never carry command data)
 *   ApduFormatError, TlvError, StatusWordError, TransportProtocolError, ChannelBusyError, TranscriptError
 */
export * from './apdu-errors';
export * from './bytes';
export * from './command-apdu';
export * from './response-apdu';
export * from './status-words';
export * from './tlv.codec';
export * from './transcript';
export * from './transport';
export * from './atr';

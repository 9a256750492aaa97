import QRCode from 'qrcode';

/**
 * A QR code as inline SVG markup (paths only, no text from the input), error correction M as
 * payment QR codes use. Rendering costs a few milliseconds, so only the cashier page does it,
 * never the checkout call.
 */
export function renderQrSvg(text: string): Promise<string> {
  return QRCode.toString(text, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
}

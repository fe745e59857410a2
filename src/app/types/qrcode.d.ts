/**
 * The browser half of the `qrcode` package, which is all the app uses. `@types/qrcode` also
 * declares the Node half (files, streams) and so pulls Node's globals into every file of the app;
 * tsconfig.app.json maps `qrcode` here instead, so `process` in app code stays a compile error.
 * At run time Vite resolves `qrcode` to the package's own browser build, as before.
 */
export type QRCodeErrorCorrectionLevel = 'low' | 'medium' | 'quartile' | 'high' | 'L' | 'M' | 'Q' | 'H';

export interface QRCodeRenderOptions {
  errorCorrectionLevel?: QRCodeErrorCorrectionLevel;
  margin?: number;
  scale?: number;
  width?: number;
  color?: { dark?: string; light?: string };
}

export interface QRCodeToStringOptions extends QRCodeRenderOptions {
  type?: 'svg' | 'utf8';
}

export interface QRCodeToDataURLOptions extends QRCodeRenderOptions {
  type?: 'image/png' | 'image/jpeg' | 'image/webp';
}

export function toString(text: string, options?: QRCodeToStringOptions): Promise<string>;
export function toDataURL(text: string, options?: QRCodeToDataURLOptions): Promise<string>;
export function toCanvas(canvas: HTMLCanvasElement, text: string, options?: QRCodeRenderOptions): Promise<void>;

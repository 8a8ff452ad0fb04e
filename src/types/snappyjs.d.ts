declare module 'snappyjs' {
  export function compress(input: Uint8Array | ArrayBuffer | Buffer): Uint8Array;
  export function uncompress(input: Uint8Array | ArrayBuffer | Buffer, maxLength?: number): Uint8Array;
  const snappy: { compress: typeof compress; uncompress: typeof uncompress };
  export default snappy;
}

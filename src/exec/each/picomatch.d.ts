// The part of picomatch 4 awsx uses (the package ships no types).
declare module "picomatch" {
  interface PicomatchOptions {
    dot?: boolean;
    nonegate?: boolean;
  }
  interface ScanState {
    isGlob: boolean;
  }
  interface Picomatch {
    (glob: string, options?: PicomatchOptions): (input: string) => boolean;
    scan(glob: string): ScanState;
  }
  const picomatch: Picomatch;
  export default picomatch;
}

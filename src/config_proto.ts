// TF1's session configuration object, kept for the programs that pass one.
/** TF1's ConfigProto; the JS backends accept and ignore the GPU options. */
export class ConfigProto {
  gpuOptions = { allowGrowth: false, perProcessGpuMemoryFraction: 1 };
  allowSoftPlacement = true;
  logDevicePlacement = false;
  intraOpParallelismThreads = 0;
  interOpParallelismThreads = 0;
  constructor(init: Partial<Omit<ConfigProto, 'gpuOptions'>> & { gpuOptions?: Partial<ConfigProto['gpuOptions']> } = {}) {
    Object.assign(this, { ...init, gpuOptions: { ...this.gpuOptions, ...init.gpuOptions } });
  }
}

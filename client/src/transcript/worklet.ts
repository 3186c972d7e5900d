// The AudioWorklet that turns the microphone into what the server's speech-to-text takes: 16 kHz
// mono PCM16, in 40 ms frames. Kept as source text and loaded from a Blob URL, so it needs no
// separate build step; it runs on the audio thread, away from the page.
export const PCM_WORKLET_NAME = "caseroom-pcm16k";
export const FRAME_SAMPLES = 640; // 40 ms at 16 kHz

export const pcmWorkletSource = `
class PcmDownsampler extends AudioWorkletProcessor {
  constructor() {
    super();
    this.ratio = sampleRate / 16000;
    this.pos = 0;
    this.acc = 0;
    this.n = 0;
    this.out = new Int16Array(${FRAME_SAMPLES});
    this.len = 0;
  }
  process(inputs) {
    const ch = inputs[0] && inputs[0][0];
    if (!ch) return true;
    for (let i = 0; i < ch.length; i++) {
      // Averaging the input samples of each output sample is a box low-pass: enough against
      // aliasing for speech on its way to 16 kHz.
      this.acc += ch[i];
      this.n++;
      this.pos += 1;
      if (this.pos >= this.ratio) {
        this.pos -= this.ratio;
        const v = Math.max(-1, Math.min(1, this.acc / this.n));
        this.out[this.len++] = v < 0 ? v * 0x8000 : v * 0x7fff;
        this.acc = 0;
        this.n = 0;
        if (this.len === this.out.length) {
          this.port.postMessage(this.out.buffer, [this.out.buffer]);
          this.out = new Int16Array(${FRAME_SAMPLES});
          this.len = 0;
        }
      }
    }
    return true;
  }
}
registerProcessor("${PCM_WORKLET_NAME}", PcmDownsampler);
`;

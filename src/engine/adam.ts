/**
 * Adam over all parameters at once. tfjs's AdamOptimizer runs about a dozen small kernels per
 * variable (31 variables in the base model: over 400 dispatches per step, each paying a fixed
 * cost). Here the moments live in two flat variables and the step is one pass over every
 * parameter: where the backend has the lab's kernel (wasm-kernels/adam.ts, cpu-kernels.ts) it
 * reads each gradient and weight where it lies; elsewhere the gradients and weights are joined into
 * flat vectors, the update runs as three GPU programs (gpu-kernels/) or one chain of elementwise
 * ops, and its result is split back into the model's variables. Every way the ops, their order and
 * their float32 constants are those of tfjs's Adam, so on wasm and cpu the weights come out bit
 * for bit the same (tested against tf.train.adam in tests/engine/adam.test.ts).
 */
import * as tf from '@tensorflow/tfjs';

/** The lab's kernels for the step, where a backend registers them: Σ g² over every gradient, and Adam itself. */
export const SQUARED_NORM_KERNEL = 'LabSquaredNorm';
export const ADAM_KERNEL = 'LabAdam';
/**
 * Adam over the flat vectors, for backends whose programs cannot read every weight at once (the
 * GPU backends, gpu-kernels/): inputs m, v, g and the weights p, flat; outputs m′, v′ and p′.
 */
export const ADAM_FLAT_KERNEL = 'LabAdamFlat';

/** The Adam kernel's constants, each used as float32. */
export interface AdamAttrs {
  scale: number;
  beta1: number;
  oneMinusBeta1: number;
  beta2: number;
  oneMinusBeta2: number;
  oneMinusAcc1: number;
  oneMinusAcc2: number;
  epsilon: number;
  negLr: number;
}

/**
 * The gradients in the optimizer's order, as its step takes them: one tensor per variable where
 * the backend has the lab's kernels, else joined into one flat vector.
 */
export type Gradients = tf.Tensor[] | tf.Tensor1D;

/** `t` as a vector; a 1-D tensor (a bias, a LayerNorm gain) is one already, and a reshape would be one more kernel. */
const flat = (t: tf.Tensor): tf.Tensor1D => (t.rank === 1 ? t : t.reshape([-1])) as tf.Tensor1D;

const hasKernel = (name: string) => tf.getKernel(name, tf.getBackend()) !== undefined;

/** Inputs named prefix0, prefix1, … */
const numbered = (prefix: string, tensors: readonly tf.Tensor[]): tf.NamedTensorMap =>
  Object.fromEntries(tensors.map((t, i) => [`${prefix}${i}`, t]));

export class PackedAdam {
  /** First and second moments, flat over `variables` in order (created at the first step). */
  private m: tf.Variable | null = null;
  private v: tf.Variable | null = null;
  /**
   * The weights flat, as the last step left them (the flat path only), and the tensors it then
   * assigned to the variables: while every variable still holds its own, the next step reads this
   * vector instead of joining the weights again. An assignment from elsewhere (a restored
   * checkpoint) gives a variable a new tensor, and the weights are joined afresh.
   */
  private flatWeights: { vector: tf.Tensor1D; assigned: tf.DataId[] } | null = null;
  /** β₁ᵗ and β₂ᵗ as tfjs keeps them: float32 scalars, multiplied by β after every step. */
  private accBeta1: number;
  private accBeta2: number;

  constructor(
    private readonly variables: readonly tf.Variable[],
    private learningRate: number,
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
    private readonly epsilon = 1e-7,
  ) {
    this.accBeta1 = Math.fround(beta1);
    this.accBeta2 = Math.fround(beta2);
  }

  /** The live learning-rate slider: takes effect at the next step. */
  setLearningRate(lr: number): void {
    this.learningRate = lr;
  }

  /**
   * The gradients keyed by variable name (as tf.variableGrads returns them) in the optimizer's order,
   * in the form `squaredNorm` and `applyGradients` take.
   */
  gradients(grads: tf.NamedTensorMap): Gradients {
    const ordered = this.variables.map((v) => {
      const grad = grads[v.name];
      if (!grad) throw new Error(`no gradient for ${v.name}: every trainable weight must reach the loss`);
      return grad;
    });
    return hasKernel(ADAM_KERNEL) ? ordered : (tf.concat(ordered.map(flat)) as tf.Tensor1D);
  }

  /** Σ g² over every gradient: the square of the global norm that gradient clipping uses. */
  squaredNorm(g: Gradients): tf.Scalar {
    // Over the flat vector, not an addN of per-variable sums: WebGPU's AddN in tfjs 4.22 silently
    // returns garbage past 7 inputs (it never splits them across shaders).
    if (g instanceof tf.Tensor) return g.square().sum();
    return tf.engine().runKernel(SQUARED_NORM_KERNEL, numbered('g', g)) as tf.Scalar;
  }

  /**
   * One step with `grads` keyed by variable name or already gathered, every gradient first
   * multiplied by `scale` (gradient-norm clipping) unless it is 1.
   */
  applyGradients(grads: tf.NamedTensorMap | Gradients, scale = 1): void {
    tf.tidy(() => {
      const g = Array.isArray(grads) || grads instanceof tf.Tensor ? grads : this.gradients(grads);
      if (!this.m || !this.v) {
        const size = this.variables.reduce((n, x) => n + x.size, 0);
        this.m = tf.keep(tf.variable(tf.zeros([size]), false));
        this.v = tf.keep(tf.variable(tf.zeros([size]), false));
      }
      // 1 − βᵗ in float32, as tfjs's sub(1, accBeta) computes it on the device.
      const attrs: AdamAttrs = {
        scale,
        beta1: this.beta1,
        oneMinusBeta1: 1 - this.beta1,
        beta2: this.beta2,
        oneMinusBeta2: 1 - this.beta2,
        oneMinusAcc1: Math.fround(1 - this.accBeta1),
        oneMinusAcc2: Math.fround(1 - this.accBeta2),
        epsilon: this.epsilon,
        negLr: -this.learningRate,
      };
      if (Array.isArray(g)) {
        const inputs = { m: this.m, v: this.v, ...numbered('p', this.variables), ...numbered('g', g) };
        const [m, v, ...weights] = tf.engine().runKernel(ADAM_KERNEL, inputs, { ...attrs }) as tf.Tensor[];
        this.m.assign(m!);
        this.v.assign(v!);
        this.variables.forEach((x, i) => x.assign(weights[i]!));
        return;
      }
      const p = this.currentFlatWeights();
      const [m, v, updated] = hasKernel(ADAM_FLAT_KERNEL)
        ? (tf.engine().runKernel(ADAM_FLAT_KERNEL, { m: this.m, v: this.v, g, p }, { ...attrs }) as tf.Tensor1D[])
        : this.plainStep(g, p, attrs);
      this.m.assign(m!);
      this.v.assign(v!);
      const parts = tf.split(
        updated!,
        this.variables.map((x) => x.size),
      );
      this.variables.forEach((x, i) => x.assign(x.rank === 1 ? parts[i]! : parts[i]!.reshape(x.shape)));
      this.flatWeights?.vector.dispose();
      this.flatWeights = { vector: tf.keep(updated!), assigned: this.variables.map((x) => x.dataId) };
    });
    // The product of two float32 values is exact in a double, so one rounding matches tfjs's float32 mul.
    this.accBeta1 = Math.fround(this.accBeta1 * Math.fround(this.beta1));
    this.accBeta2 = Math.fround(this.accBeta2 * Math.fround(this.beta2));
  }

  /** The weights as one vector: the last step's, unless a variable was assigned since. */
  private currentFlatWeights(): tf.Tensor1D {
    const kept = this.flatWeights;
    if (kept && this.variables.every((x, i) => x.dataId === kept.assigned[i])) return kept.vector;
    return tf.concat(this.variables.map(flat)) as tf.Tensor1D;
  }

  /** m′, v′ and the new flat weights p′ as tfjs's Adam computes them, op for op. */
  private plainStep(g: tf.Tensor1D, p: tf.Tensor1D, a: AdamAttrs): tf.Tensor1D[] {
    const gs = a.scale === 1 ? g : g.mul(a.scale);
    const m = this.m!.mul(a.beta1).add(gs.mul(a.oneMinusBeta1));
    const v = this.v!.mul(a.beta2).add(gs.square().mul(a.oneMinusBeta2));
    const mHat = m.div(a.oneMinusAcc1);
    const vHat = v.div(a.oneMinusAcc2);
    const step = mHat.div(vHat.sqrt().add(a.epsilon)).mul(a.negLr);
    return [m, v, step.add(p)] as tf.Tensor1D[];
  }

  dispose(): void {
    this.m?.dispose();
    this.v?.dispose();
    this.flatWeights?.vector.dispose();
    this.m = this.v = this.flatWeights = null;
  }
}

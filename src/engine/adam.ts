/**
 * Adam over all parameters at once. tfjs's AdamOptimizer runs about a dozen small kernels per
 * variable (31 variables in the base model: over 400 dispatches per step, each paying a fixed
 * cost). Here the gradients are joined into one flat vector, the moments live in two flat
 * variables, and the update runs as one chain of elementwise ops over every parameter; the
 * result is split back into the model's variables. The ops, their order and their float32
 * constants are those of tfjs's Adam, so the weights come out bit for bit the same (tested
 * against tf.train.adam in tests/engine/adam.test.ts).
 */
import * as tf from '@tensorflow/tfjs';

/** `t` as a vector; a 1-D tensor (a bias, a LayerNorm gain) is one already, and a reshape would be one more kernel. */
const flat = (t: tf.Tensor): tf.Tensor1D => (t.rank === 1 ? t : t.reshape([-1])) as tf.Tensor1D;

export class PackedAdam {
  /** First and second moments, flat over `variables` in order (created at the first step). */
  private m: tf.Variable | null = null;
  private v: tf.Variable | null = null;
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
   * The gradients keyed by variable name (as tf.variableGrads returns them) as one flat vector in
   * the optimizer's order: the trainer takes the gradient norm of this same vector.
   */
  flatten(grads: tf.NamedTensorMap): tf.Tensor1D {
    return tf.concat(
      this.variables.map((v) => {
        const grad = grads[v.name];
        if (!grad) throw new Error(`no gradient for ${v.name}: every trainable weight must reach the loss`);
        return flat(grad);
      }),
    ) as tf.Tensor1D;
  }

  /**
   * One step with `grads` keyed by variable name or already flattened, every gradient first
   * multiplied by `scale` (gradient-norm clipping) unless it is 1.
   */
  applyGradients(grads: tf.NamedTensorMap | tf.Tensor1D, scale = 1): void {
    tf.tidy(() => {
      let g = grads instanceof tf.Tensor ? grads : this.flatten(grads);
      if (scale !== 1) g = g.mul(scale);
      if (!this.m || !this.v) {
        this.m = tf.keep(tf.variable(tf.zerosLike(g), false));
        this.v = tf.keep(tf.variable(tf.zerosLike(g), false));
      }
      // 1 − βᵗ in float32, as tfjs's sub(1, accBeta) computes it on the device.
      const oneMinusAcc1 = Math.fround(1 - this.accBeta1);
      const oneMinusAcc2 = Math.fround(1 - this.accBeta2);
      const m = this.m.mul(this.beta1).add(g.mul(1 - this.beta1));
      const v = this.v.mul(this.beta2).add(g.square().mul(1 - this.beta2));
      const mHat = m.div(oneMinusAcc1);
      const vHat = v.div(oneMinusAcc2);
      this.m.assign(m);
      this.v.assign(v);
      const step = mHat.div(vHat.sqrt().add(this.epsilon)).mul(-this.learningRate);
      const updated = step.add(tf.concat(this.variables.map(flat)));
      const parts = tf.split(
        updated,
        this.variables.map((x) => x.size),
      );
      this.variables.forEach((x, i) => x.assign(x.rank === 1 ? parts[i]! : parts[i]!.reshape(x.shape)));
    });
    // The product of two float32 values is exact in a double, so one rounding matches tfjs's float32 mul.
    this.accBeta1 = Math.fround(this.accBeta1 * Math.fround(this.beta1));
    this.accBeta2 = Math.fround(this.accBeta2 * Math.fround(this.beta2));
  }

  dispose(): void {
    this.m?.dispose();
    this.v?.dispose();
    this.m = this.v = null;
  }
}

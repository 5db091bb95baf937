/** The arms of the Learn view's bandit: the first four arms of the lab's bandit task, same payoffs. */
export const ARMS = ['A', 'B', 'C', 'D'];
export const PAYOFF = [0.2, 0.5, 0.1, 0.9];
export const ARM_COLORS = ['var(--series-1)', 'var(--series-2)', 'var(--series-3)', 'var(--series-4)'];

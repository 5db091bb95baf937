/**
 * Hostile lab links, shared by the unit test of the decoder (hostile-links.test.ts) and the
 * browser test that opens each one (tests/e2e/hostile-links.test.ts). Each names what its
 * notice must say: what was ignored, and the value used instead.
 */
import type { Config } from '../../src/engine/params';

export interface HostileLink {
  name: string;
  /** The query, as it would follow `?` (percent-encoding included). */
  query: string;
  /** Every pattern must match one of the notices. */
  notices: RegExp[];
  /** What the decoded config must hold (the value used). */
  config?: Partial<Config>;
  /** Edits that must survive (or none at all when empty). */
  timeline?: { iteration: number; params: Record<string, unknown> }[];
}

const LONG = 'A'.repeat(8000);

export const HOSTILE_LINKS: HostileLink[] = [
  // Numbers that Number() would read but are not plain decimals (issue 14.6).
  {
    name: 'hexadecimal seed',
    query: 'seed=0x10',
    notices: [/seed must be .*plain decimal.*got "0x10": default 1 used/],
    config: { seed: 1 },
  },
  {
    name: 'binary epochs',
    query: 'epochs=0b11',
    notices: [/epochs must be .*got "0b11": default 2 used/],
    config: { epochs: 2 },
  },
  { name: 'octal minibatches', query: 'minibatches=0o2', notices: [/minibatches must be .*got "0o2": default 2 used/] },
  { name: 'exponent', query: 'kl-horizon=1e3', notices: [/kl-horizon must be .*got "1e3": default 1000 used/] },
  { name: 'negative zero', query: 'gamma=-0', notices: [/gamma must be .*got "-0": default 1 used/], config: { gamma: 1 } },
  { name: 'leading space', query: 'seed=%205', notices: [/seed must be .*got " 5": default 1 used/] },
  { name: 'leading zeros', query: 'seed=007', notices: [/seed must be .*got "007": default 1 used/] },
  { name: 'infinity', query: 'lr=Infinity', notices: [/lr must be .*got "Infinity": default 0\.0003 used/] },
  { name: 'NaN', query: 'lr=NaN', notices: [/lr must be .*got "NaN": default 0\.0003 used/] },
  { name: 'fractional integer', query: 'batch=1.5', notices: [/batch must be an integer.*got "1\.5": default 64 used/] },
  { name: 'boolean as 1', query: 'whiten=1', notices: [/whiten must be true or false; got "1": default true used/] },
  { name: 'out of range', query: 'max-tokens=99', notices: [/max-tokens must be .*got "99": default 0 used/] },
  // Repeated fields (14.7): the last counts, the repeat is reported, the value used is named.
  {
    name: 'eps three times',
    query: 'eps=0.1&eps=0.3&eps=abc',
    notices: [
      /eps given 3 times \("0\.1", "0\.3", "abc"\): only the last, "abc", is read/,
      /eps must be .*got "abc": default 0\.2 used/,
    ],
    config: { eps: 0.2 },
  },
  {
    name: 'task twice',
    query: 'task=sort&task=bandit',
    notices: [/task given 2 times \("sort", "bandit"\)/],
    config: { task: 'bandit' },
  },
  { name: 'version twice', query: 'v=1&v=1', notices: [/v given 2 times/] },
  {
    name: 'one edit names eps twice',
    query: 'edit=2:eps=0.1,eps=0.3',
    notices: [/edit at iteration 2: eps given twice: 0\.1 ignored, 0\.3 used/],
    timeline: [{ iteration: 2, params: { eps: 0.3 } }],
  },
  {
    name: 'two edits of eps at one iteration',
    query: 'edit=2:eps=0.1&edit=2:eps=0.3',
    notices: [/edit at iteration 2: eps given in more than one edit: 0\.1 ignored, 0\.3 used/],
  },
  // Malformed edits (14.8) are refused whole.
  {
    name: 'edit value with a second =',
    query: 'edit=2:eps=0.1=evil',
    notices: [/edit at iteration 2: eps must be .*got "0\.1=evil": this field ignored/],
    timeline: [],
  },
  { name: 'edit at iteration 0', query: 'edit=0:eps=0.1', notices: [/edit "0:eps=0\.1" ignored/], timeline: [] },
  {
    name: 'edit iteration with leading zeros',
    query: 'edit=007:eps=0.1',
    notices: [/edit "007:eps=0\.1" ignored/],
    timeline: [],
  },
  {
    name: 'edit far past the limit',
    query: 'edit=99999999:eps=0.1',
    notices: [/edit "99999999:eps=0\.1" ignored/],
    timeline: [],
  },
  {
    name: 'edit of a structural parameter',
    query: 'edit=5:task=bandit',
    notices: [/task ignored \(it is structural/],
    timeline: [],
  },
  { name: 'edit field without a value', query: 'edit=3:eps', notices: [/edit at iteration 3: "eps" ignored/], timeline: [] },
  // Markup and script: reported as text, never run.
  {
    name: 'script in a value',
    query: 'eps=%3Cscript%3Ewindow.injected%3D1%3C%2Fscript%3E',
    notices: [/eps must be .*got "<script>window\.injected=1<\/script>": default 0\.2 used/],
  },
  {
    name: 'markup as a field name',
    query: '%3Cimg%20src%3Dx%20onerror%3D%22window.injected%3D1%22%3E=1',
    notices: [/unknown field "<img src=x onerror=\\"window\.injected=1\\">" ignored/],
  },
  {
    name: 'markup as the task',
    query: 'task=%3Cscript%3E',
    notices: [/task must be one of .*got "<script>": sort used/],
    config: { task: 'sort' },
  },
  {
    name: 'markup in an edit',
    query: 'edit=2:%3Cimg%20src%3Dx%20onerror%3D%22window.injected%3D1%22%3E=1',
    notices: [/edit at iteration 2: "<img src=x onerror=.*ignored \(not name=value of a known parameter\)/],
  },
  // Prototype keys are unknown fields like any other.
  {
    name: 'proto key',
    query: '__proto__=1&constructor=x',
    notices: [/unknown field "__proto__" ignored/, /unknown field "constructor" ignored/],
  },
  { name: 'proto path', query: '__proto__%5Bpolluted%5D=1', notices: [/unknown field "__proto__\[polluted\]" ignored/] },
  // Size (14.9): a huge value is quoted cut, with its length.
  {
    name: 'an 8,000-character value',
    query: `eps=${LONG}`,
    notices: [/eps must be .*got "A{40}"… \(8000 characters\): default 0\.2 used/],
  },
  {
    name: 'seven unknown fields',
    query: 'a=1&b=2&c=3&d=4&e=5&f=6&g=7',
    notices: ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((f) => new RegExp(`unknown field "${f}" ignored`)),
  },
  // Versions, unicode, combinations the trainer refuses.
  { name: 'another version', query: 'v=2', notices: [/link version "2" is not 1: read as version 1/] },
  { name: 'right-to-left override', query: '%E2%80%AEeps=0.1', notices: [/unknown field "\u202eeps" ignored/] },
  { name: 'unknown backend', query: 'backend=webgl2', notices: [/backend must be one of .*got "webgl2": default auto used/] },
  { name: 'grpo with one completion per prompt', query: 'algo=grpo&group=1', notices: [/grpo needs group ≥ 2/] },
  {
    name: 'a bad field beside a good one',
    query: 'temperature=0.1&eps=2',
    notices: [/eps must be .*got "2": default 0\.2 used/],
    config: { temperature: 0.1, eps: 0.2 },
  },
];

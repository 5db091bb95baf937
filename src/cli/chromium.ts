/**
 * Headless Chromium for the browser tests and the browser bench: Debian's /usr/bin/chromium
 * driven by playwright-core. Its quirks (tfjs-notes.md): `launch()` refuses --user-data-dir,
 * so every session is a persistent context in a fresh temporary profile, and XDG_CONFIG_HOME
 * points at a temporary folder so the crash handler never writes into the home directory.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM_PATH = process.env.PPO_LAB_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];

/** WebGPU without a GPU: Dawn on SwiftShader's Vulkan (correct, slow; the first step compiles for ~30 s). */
export const WEBGPU_FLAGS = [
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--use-vulkan=swiftshader',
  '--use-webgpu-adapter=swiftshader',
  '--disable-vulkan-surface',
  '--ignore-gpu-blocklist',
];

export interface Chromium {
  context: BrowserContext;
  close(): Promise<void>;
}

/** Fails (never skips) when Chromium is missing: a browser test that cannot run must say so. */
export function assertChromium(): void {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}: install it (apt-get install -y chromium) or set PPO_LAB_CHROMIUM to its path`,
    );
  }
}

export async function launchChromium(opts: { webgpu?: boolean } = {}): Promise<Chromium> {
  assertChromium();
  const home = await mkdtemp(join(tmpdir(), 'ppo-lab-chromium-'));
  const profile = join(home, 'profile');
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_FLAGS, ...(opts.webgpu ? WEBGPU_FLAGS : [])],
    env: { ...process.env, XDG_CONFIG_HOME: join(home, 'config'), HOME: home },
  });
  return {
    context,
    async close() {
      await context.close().catch(() => {});
      await rm(home, { recursive: true, force: true });
    },
  };
}

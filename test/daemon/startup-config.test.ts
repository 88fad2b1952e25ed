/**
 * What `run` (and the other AWS commands) check before starting: duration options with a lower
 * bound (cmd/options.ts), AWS_MAX_ATTEMPTS and the default region (src/providers/clients.ts).
 * Bad values are one-line errors naming the setting, never stack traces.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { durationAtLeast, parsePositiveDuration } from '../../cmd/options.js';
import { ClientConfigError, ClientFactory, resolveDefaultRegion } from '../../src/providers/clients.js';
import { removeDir, tempDir } from '../cli/helpers.js';

describe('start-up configuration', () => {
  describe('durationAtLeast / parsePositiveDuration', () => {
    const cases: { reason: string; parse: (v: string) => number; value: string; want: number | RegExp }[] = [
      { reason: '--interval 1s is the smallest resync period', parse: durationAtLeast('1s'), value: '1s', want: 1000 },
      { reason: '--interval 0 would resync in a hot loop', parse: durationAtLeast('1s'), value: '0', want: /^expected a duration of at least 1s, got '0'$/ },
      { reason: '--interval 999ms is under a second', parse: durationAtLeast('1s'), value: '999ms', want: /^expected a duration of at least 1s, got '999ms'$/ },
      { reason: '--poll-interval 10ms is allowed', parse: durationAtLeast('10ms'), value: '10ms', want: 10 },
      { reason: '--poll-interval 9ms is not', parse: durationAtLeast('10ms'), value: '9ms', want: /^expected a duration of at least 10ms, got '9ms'$/ },
      { reason: '--debounce 0 (no debounce) is allowed', parse: durationAtLeast('0'), value: '0', want: 0 },
      { reason: 'a bound keeps the usual message for what is no duration at all', parse: durationAtLeast('0'), value: 'soon', want: /^expected a duration such as 30s, 5m or 1h, got 'soon'$/ },
      { reason: '--timeout 10m', parse: parsePositiveDuration, value: '10m', want: 600_000 },
      { reason: '--timeout 0 would give up before starting', parse: parsePositiveDuration, value: '0s', want: /^expected a duration > 0 such as 30s or 10m, got '0s'$/ },
      { reason: '--timeout 0.1ms rounds to 0', parse: parsePositiveDuration, value: '0.1ms', want: /^expected a duration > 0/ },
    ];
    for (const tc of cases) {
      it(tc.reason, () => {
        if (typeof tc.want === 'number') {
          assert.equal(tc.parse(tc.value), tc.want);
          return;
        }
        const want = tc.want;
        assert.throws(() => tc.parse(tc.value), (err: unknown) => err instanceof InvalidArgumentError && want.test(err.message));
      });
    }
  });

  describe('AWS configuration from the environment', () => {
    const NAMES = ['AWS_MAX_ATTEMPTS', 'AWS_REGION', 'AWS_PROFILE', 'AWS_CONFIG_FILE', 'AWS_SHARED_CREDENTIALS_FILE'] as const;
    let saved: Partial<Record<(typeof NAMES)[number], string>>;
    let dir: string;
    beforeEach(async () => {
      saved = {};
      for (const n of NAMES) saved[n] = process.env[n];
      dir = await tempDir('client-config-');
      process.env.AWS_CONFIG_FILE = join(dir, 'config');
      process.env.AWS_SHARED_CREDENTIALS_FILE = join(dir, 'credentials');
      delete process.env.AWS_PROFILE;
    });
    afterEach(async () => {
      for (const n of NAMES) {
        if (saved[n] === undefined) delete process.env[n];
        else process.env[n] = saved[n];
      }
      await removeDir(dir);
    });

    const attempts: { reason: string; value: string; error?: string }[] = [
      { reason: 'AWS_MAX_ATTEMPTS=abc', value: 'abc', error: "AWS_MAX_ATTEMPTS must be a whole number >= 1, got 'abc'" },
      { reason: 'AWS_MAX_ATTEMPTS=0', value: '0', error: "AWS_MAX_ATTEMPTS must be a whole number >= 1, got '0'" },
      { reason: 'AWS_MAX_ATTEMPTS=2.5', value: '2.5', error: "AWS_MAX_ATTEMPTS must be a whole number >= 1, got '2.5'" },
      { reason: 'AWS_MAX_ATTEMPTS=5 is accepted', value: '5' },
      { reason: 'an empty AWS_MAX_ATTEMPTS counts as unset', value: '' },
    ];
    for (const tc of attempts) {
      it(`ClientFactory: ${tc.reason}`, () => {
        process.env.AWS_MAX_ATTEMPTS = tc.value;
        if (tc.error === undefined) {
          new ClientFactory().destroy();
          return;
        }
        assert.throws(() => new ClientFactory(), (err: unknown) => err instanceof ClientConfigError && err.message === tc.error);
      });
    }

    const regions: { reason: string; env?: string; profile?: string; explicit?: string; want: string | undefined | RegExp }[] = [
      { reason: '--region wins', env: 'eu-west-2', explicit: 'us-east-1', want: 'us-east-1' },
      { reason: 'AWS_REGION', env: 'eu-west-2', want: 'eu-west-2' },
      { reason: 'an AWS_REGION with spaces (which the SDK refuses) names AWS_REGION', env: 'us east 1', want: /^AWS_REGION 'us east 1' is not a valid region/ },
      { reason: 'an AWS_REGION that the SDK would accept but is no region name', env: 'useast1', want: /^AWS_REGION 'useast1' is not a valid region/ },
      { reason: "the profile's region when AWS_REGION is unset", profile: 'ap-southeast-2', want: 'ap-southeast-2' },
      { reason: "a bad region in the profile names the profile", profile: 'useast1', want: /^the region 'useast1' of AWS profile 'default' is not a valid region/ },
      { reason: 'nothing configured: undefined (the caller asks for --region)', want: undefined },
      { reason: 'an empty AWS_REGION counts as unset', env: '', want: undefined },
    ];
    for (const tc of regions) {
      it(`resolveDefaultRegion: ${tc.reason}`, async () => {
        if (tc.env === undefined) delete process.env.AWS_REGION;
        else process.env.AWS_REGION = tc.env;
        if (tc.profile !== undefined) await writeFile(join(dir, 'config'), `[default]\nregion = ${tc.profile}\n`);
        const want = tc.want;
        if (want instanceof RegExp) {
          await assert.rejects(resolveDefaultRegion(tc.explicit), (err: unknown) => err instanceof ClientConfigError && want.test(err.message));
        } else {
          assert.equal(await resolveDefaultRegion(tc.explicit), want);
        }
      });
    }
  });
});

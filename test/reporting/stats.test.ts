import { describe, expect, it } from 'vitest';
import { mean, median, percentileOfSorted, rate, summarizeMs, toSeconds } from '../../src/reporting/stats';

describe('percentileOfSorted (linear interpolation, type 7)', () => {
  it('when p90 of 1..10, then interpolates between the 9th and 10th value', () => {
    // rank h = (10 − 1) · 0.9 = 8.1 → x[8] + 0.1 · (x[9] − x[8]) = 9 + 0.1
    expect(percentileOfSorted([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBeCloseTo(9.1, 10);
  });

  it('when p50 of an even count, then it is the mean of the two middle values', () => {
    expect(percentileOfSorted([10, 20, 30, 40], 0.5)).toBe(25);
  });

  it('when one value, then every percentile is that value; when none, then null', () => {
    expect(percentileOfSorted([7], 0.9)).toBe(7);
    expect(percentileOfSorted([], 0.5)).toBeNull();
  });
});

describe('median and mean', () => {
  it('when values are unsorted, then median sorts them numerically (not as strings)', () => {
    expect(median([100, 9, 20])).toBe(20);
  });

  it('when empty, then mean is null rather than 0', () => {
    expect(mean([])).toBeNull();
    expect(mean([1, 2, 6])).toBe(3);
  });
});

describe('summarizeMs', () => {
  it('when durations are in ms, then the summary is in seconds at ms precision', () => {
    const s = summarizeMs([45_000, 5_000, 3_000, 25_000, 15_000]);
    expect(s).toEqual({ count: 5, median: 15, mean: 18.6, p90: 37 }); // p90: h = 3.6 → 25 + 0.6·20
  });

  it('when nothing was measured, then count is 0 and the figures are null', () => {
    expect(summarizeMs([])).toEqual({ count: 0, median: null, mean: null, p90: null });
  });

  it('when a mean has float noise, then seconds are rounded to whole ms', () => {
    expect(toSeconds(18_599.9999999)).toBe(18.6);
  });
});

describe('rate', () => {
  it('when the whole is 0, then the rate is null (0 of 0 is not 0 %)', () => {
    expect(rate(0, 0)).toBeNull();
    expect(rate(1, 4)).toBe(0.25);
  });
});

import { formatQuantity, parseQuantity, tidy } from '../../src/verify/quantity';

describe('quantity', () => {
  test('parses decimal, binary, milli and exponent forms', () => {
    expect(parseQuantity('500m')).toBe(0.5);
    expect(parseQuantity('2')).toBe(2);
    expect(parseQuantity(3)).toBe(3);
    expect(parseQuantity('1536Mi')).toBe(1536 * 2 ** 20);
    expect(parseQuantity('16Gi')).toBe(16 * 2 ** 30);
    expect(parseQuantity('1e3')).toBe(1000);
    expect(parseQuantity('1.5k')).toBe(1500);
    expect(parseQuantity('.5')).toBe(0.5);
  });

  test('refuses what is not a quantity', () => {
    expect(parseQuantity('two')).toBeUndefined();
    expect(parseQuantity('5 Gi')).toBeUndefined();
    expect(parseQuantity(undefined)).toBeUndefined();
    expect(parseQuantity(Number.NaN)).toBeUndefined();
  });

  test('formats per resource', () => {
    expect(formatQuantity('limits.cpu', 9.5)).toBe('9.5');
    expect(formatQuantity('cpu', 0.5)).toBe('500m');
    expect(formatQuantity('requests.memory', 16 * 2 ** 30)).toBe('16Gi');
    expect(formatQuantity('limits.memory', 1536 * 2 ** 20)).toBe('1.5Gi');
    expect(formatQuantity('memory', 170 * 2 ** 20)).toBe('170Mi');
    expect(formatQuantity('pods', 3)).toBe('3');
    expect(tidy(0.1 + 0.2)).toBe(0.3);
  });
});

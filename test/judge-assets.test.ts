// The contract between per-asset judges and the streams (src/controls/judge-assets.ts, data-shape-error.ts): a
// judge throws DataShapeError for an asset it cannot judge; judgeAsset records the first reason per control, stops
// judging that control and lets the others go on; the reason reaches the control's outcome.
import { describeValue } from '../src/collectors/shape';
import { allHold, condition, DataShapeError, notedUnder, sentValue } from '../src/controls/data-shape-error';
import { judgeAsset, SHAPE_ERRORS_NOTE, shapeErrorsIn, type AssetJudge } from '../src/controls/judge-assets';
import type { Finding } from '../src/controls/types';

interface Asset {
  name: string;
  colour: string | null;
}

const finding = (asset: Asset, detail: string): Finding => ({
  assetType: 'user',
  assetId: asset.name,
  assetName: asset.name,
  detail,
});

/** Finds red assets; cannot judge one without a colour. */
const byColour: AssetJudge<Asset> = {
  id: 'COLOUR',
  judge: (asset) => {
    if (asset.colour === null) throw new DataShapeError(`asset ${asset.name}`, 'colour', 'null', 'a colour');
    return asset.colour === 'red' ? finding(asset, 'red') : null;
  },
};
/** Two findings per asset, as a MailboxJudge may return. */
const twice: AssetJudge<Asset> = {
  id: 'TWICE',
  judge: (asset) => [finding(asset, 'a'), finding(asset, 'b')],
};

describe('DataShapeError', () => {
  it('names the asset, the field, the value and what was expected; its reason says what to do', () => {
    const err = new DataShapeError('user a@contoso.test (1)', 'accountEnabled', 'null', 'true or false');
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('DataShapeError');
    expect(err.message).toBe('user a@contoso.test (1): accountEnabled is null, expected true or false');
    expect(err.reason).toMatch(
      /^data does not match the documented shape: user a@contoso\.test \(1\): accountEnabled is null, expected true or false; /,
    );
    expect(err.reason).toContain('check this object');
  });

  it('values as sent: "missing", "null", JSON text (shortened); a collector note wins over the typed value', () => {
    expect(describeValue(undefined)).toBe('missing');
    expect(describeValue(null)).toBe('null');
    expect(describeValue('Partner')).toBe('"Partner"');
    expect(describeValue({ a: [1] })).toBe('{"a":[1]}');
    expect(describeValue('x'.repeat(200))).toHaveLength(80);
    const asset = { unexpected: { accountEnabled: 'missing', 'assignedLicenses[1].skuId': '5' } };
    expect(sentValue(asset, 'accountEnabled', null)).toBe('missing');
    expect(sentValue(asset, 'userType', 'Partner')).toBe('"Partner"');
    expect(notedUnder(asset, 'assignedLicenses')).toEqual({ field: 'assignedLicenses[1].skuId', value: '5' });
    expect(notedUnder(asset, 'assigned')).toBeUndefined();
    expect(notedUnder({}, 'accountEnabled')).toBeUndefined();
  });

  it('allHold: a condition known false decides; otherwise the first unknown one is thrown', () => {
    const unknown = condition(() => {
      throw new DataShapeError('a', 'f', 'null', 'x');
    });
    expect(unknown).toBeInstanceOf(DataShapeError);
    expect(allHold([true, unknown, false])).toBe(false);
    expect(() => allHold([true, unknown])).toThrow('a: f is null, expected x');
    expect(allHold([true, condition(() => true)])).toBe(true);
    expect(() =>
      condition(() => {
        throw new TypeError('a bug');
      }),
    ).toThrow(TypeError);
  });
});

describe('judgeAsset', () => {
  it('keeps the first shape error per control, stops judging that control, and the others go on', () => {
    const findings = new Map<string, Finding[]>([
      ['COLOUR', []],
      ['TWICE', []],
    ]);
    const shapeErrors = {};
    const judges = [byColour, twice];
    judgeAsset(judges, { name: 'one', colour: 'red' }, findings, shapeErrors);
    judgeAsset(judges, { name: 'two', colour: null }, findings, shapeErrors);
    judgeAsset(judges, { name: 'three', colour: null }, findings, shapeErrors);
    judgeAsset(judges, { name: 'four', colour: 'red' }, findings, shapeErrors);
    expect(shapeErrors).toEqual({
      COLOUR: new DataShapeError('asset two', 'colour', 'null', 'a colour').reason,
    });
    // COLOUR judged "one" only; TWICE judged every asset.
    expect(findings.get('COLOUR')?.map((f) => f.assetName)).toEqual(['one']);
    expect(findings.get('TWICE')?.map((f) => `${f.assetName}${f.detail}`)).toEqual([
      'onea',
      'oneb',
      'twoa',
      'twob',
      'threea',
      'threeb',
      'foura',
      'fourb',
    ]);
  });

  it('a control already in error (e.g. from an earlier page) is not judged again', () => {
    const findings = new Map<string, Finding[]>();
    const judge = jest.fn(() => null);
    judgeAsset([{ id: 'X', judge }], { name: 'a', colour: 'red' }, findings, { X: 'earlier reason' });
    expect(judge).not.toHaveBeenCalled();
  });

  it('creates the findings list of a control it has none for; any other exception propagates (a bug)', () => {
    const findings = new Map<string, Finding[]>();
    judgeAsset([byColour], { name: 'a', colour: 'red' }, findings, {});
    expect(findings.get('COLOUR')).toHaveLength(1);
    const broken: AssetJudge<Asset> = {
      id: 'BROKEN',
      judge: () => {
        throw new TypeError('undefined is not a function');
      },
    };
    expect(() => judgeAsset([broken], { name: 'a', colour: 'red' }, findings, {})).toThrow(TypeError);
  });

  it("shape errors travel in a stream's notes as plain JSON", () => {
    const shapeErrors = { COLOUR: 'reason' };
    const notes = JSON.parse(
      JSON.stringify({ variant: 'withSignIns', [SHAPE_ERRORS_NOTE]: shapeErrors }),
    ) as object;
    const restored = shapeErrorsIn(notes);
    expect(restored).toEqual(shapeErrors);
    restored['TWICE'] = 'another';
    expect(shapeErrorsIn(notes)).toEqual(shapeErrors);
    expect(shapeErrorsIn({})).toEqual({});
    expect(shapeErrorsIn({ [SHAPE_ERRORS_NOTE]: ['not', 'a', 'record'] })).toEqual({});
    expect(shapeErrorsIn({ [SHAPE_ERRORS_NOTE]: { A: 'kept', B: 3 } })).toEqual({ A: 'kept' });
  });
});

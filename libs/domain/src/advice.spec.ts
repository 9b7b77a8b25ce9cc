import { ADVICE_CHECKLIST, ADVICE_ITEM_CODES, applicableAdviceItems, resolutionProblem } from './advice';

describe('advice checklist (domain.md §3 step 5)', () => {
  it('covers every coded item once', () => {
    expect(ADVICE_CHECKLIST.map((i) => i.code).sort()).toEqual([...ADVICE_ITEM_CODES].sort());
  });
  it('MARAC check applies only in a domestic context', () => {
    expect(applicableAdviceItems([])).not.toContain('MARAC_CHECK');
    expect(applicableAdviceItems(['DOMESTIC'])).toContain('MARAC_CHECK');
    expect(applicableAdviceItems(['DOMESTIC'])).toHaveLength(ADVICE_ITEM_CODES.length);
  });
  it('a declined item needs a rationale', () => {
    expect(resolutionProblem('NO_PIN', { resolution: 'DECLINED' })).toMatch(/rationale/);
    expect(resolutionProblem('NO_PIN', { resolution: 'DECLINED', rationale: '  ' })).toMatch(/rationale/);
    expect(resolutionProblem('NO_PIN', { resolution: 'DECLINED', rationale: 'Already issued by another force' })).toBeNull();
    expect(resolutionProblem('NO_PIN', { resolution: 'DONE' })).toBeNull();
  });
  it('the SPO decision is recorded either way', () => {
    expect(resolutionProblem('CONSIDER_SPO', { resolution: 'DONE' })).toMatch(/either way/);
    expect(resolutionProblem('CONSIDER_SPO', { resolution: 'ACCEPTED', rationale: 'Interim SPO to be applied for' })).toBeNull();
  });
  it("bail rather than RUI needs the victim's views", () => {
    expect(resolutionProblem('BAIL_WITH_CONDITIONS_NOT_RUI', { resolution: 'DONE' })).toMatch(/victim/);
    expect(resolutionProblem('BAIL_WITH_CONDITIONS_NOT_RUI', { resolution: 'DONE', victimViewsSought: true })).toBeNull();
  });
});

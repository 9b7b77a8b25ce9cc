import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { CancelConsultationSubmission, RescheduleConsultationSubmission } from './consultations';

async function problems(cls: new () => object, body: object): Promise<string[]> {
  const errors = await validate(plainToInstance(cls, body), { whitelist: true, forbidNonWhitelisted: true });
  return errors.map((e) => e.property).sort();
}

describe('consultation cancel and reschedule in the contract (validated at the gateway and again in intake)', () => {
  it('a cancellation needs a coded reason; OTHER needs a note; the note is plain text', async () => {
    expect(await problems(CancelConsultationSubmission, { reason: 'NO_LONGER_REQUIRED' })).toEqual([]);
    expect(await problems(CancelConsultationSubmission, {})).toEqual(['reason']);
    expect(await problems(CancelConsultationSubmission, { reason: 'Victim moved away' })).toEqual(['reason']);
    expect(await problems(CancelConsultationSubmission, { reason: 'OTHER' })).toEqual(['note']);
    expect(await problems(CancelConsultationSubmission, { reason: 'OTHER', note: 'Lead on leave' })).toEqual([]);
    expect(await problems(CancelConsultationSubmission, { reason: 'DUPLICATE', note: 'bidi \u202e override' })).toEqual(['note']);
    expect(await problems(CancelConsultationSubmission, { reason: 'DUPLICATE', note: 'x'.repeat(2001) })).toEqual(['note']);
    // Mass assignment (API-01): the status is the server's.
    expect(await problems(CancelConsultationSubmission, { reason: 'DUPLICATE', status: 'SCHEDULED' })).toEqual(['status']);
  });

  it('a reschedule needs a real date and a coded reason; OTHER needs a note', async () => {
    expect(await problems(RescheduleConsultationSubmission, { scheduledFor: '2026-12-10T14:00:00Z', reason: 'QUORUM_NOT_MET' })).toEqual([]);
    expect(await problems(RescheduleConsultationSubmission, { scheduledFor: '2026-02-30T14:00:00Z', reason: 'QUORUM_NOT_MET' })).toEqual(['scheduledFor']);
    expect(await problems(RescheduleConsultationSubmission, { scheduledFor: 'next Tuesday', reason: 'QUORUM_NOT_MET' })).toEqual(['scheduledFor']);
    expect(await problems(RescheduleConsultationSubmission, { scheduledFor: '2026-12-10T14:00:00Z', reason: 'OTHER' })).toEqual(['note']);
    expect(await problems(RescheduleConsultationSubmission, { scheduledFor: '2026-12-10T14:00:00Z' })).toEqual(['reason']);
  });
});

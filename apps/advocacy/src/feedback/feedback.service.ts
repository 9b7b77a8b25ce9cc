import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { FeedbackCommand, FeedbackReceipt, FeedbackSummaryQuery, FeedbackSummaryView } from '@stac/contracts';
import { Clock, rpcProblem, type RequestContext } from '@stac/runtime';
import { CharityCipher } from '../charity-data/charity-cipher';
import { lockOffer } from '../victim-support/victim-support-record';

/**
 * Feedback from victims and referrers at case milestones (domain.md §1.6, §6.10): coded answers stored
 * apart from identity — no case, victim or respondent id, only the month — for analysis; optional free
 * text sealed with the charity's key and never part of any summary.
 */
@Injectable()
export class FeedbackService {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(Clock) private readonly clock: Clock,
    private readonly cipher: CharityCipher,
  ) {}

  submit(cmd: FeedbackCommand, ctx: RequestContext): Promise<FeedbackReceipt> {
    return this.dataSource.transaction(async (m) => {
      // The case is checked (the questionnaire belongs to a real referral) and then deliberately not stored.
      await lockOffer(m, cmd.caseId);
      const questions = cmd.answers.map((a) => a.question);
      if (new Set(questions).size !== questions.length) {
        throw rpcProblem(400, 'validation-failed', 'The request is not valid', { errors: [{ field: 'answers', message: 'each question is answered once' }] });
      }
      const id = randomUUID();
      await m.query(
        `INSERT INTO feedback_response (id, milestone, respondent, answers, free_text_enc, submitted_month) VALUES ($1, $2, $3, $4, $5, $6)`,
        [
          id,
          cmd.milestone,
          cmd.respondent,
          JSON.stringify(cmd.answers.map((a) => ({ question: a.question, score: a.score }))),
          cmd.freeText ? this.cipher.seal(cmd.freeText, id, 'free_text_enc') : null,
          this.clock.now().toISOString().slice(0, 7),
        ],
      );
      // The access log names the case the collection was made on; the response row itself does not.
      await ctx.audit(m, { recordIds: [cmd.caseId] });
      return { responseId: id };
    });
  }

  async summary(q: FeedbackSummaryQuery): Promise<FeedbackSummaryView> {
    const params = q.milestone ? [q.milestone] : [];
    const where = q.milestone ? 'WHERE milestone = $1' : '';
    const [[{ n }], questions] = await Promise.all([
      this.dataSource.query(`SELECT count(*)::int AS n FROM feedback_response ${where}`, params),
      this.dataSource.query(
        `SELECT a->>'question' AS question, count(*)::int AS answers, round(avg((a->>'score')::numeric), 2)::float AS "meanScore"
           FROM feedback_response, jsonb_array_elements(answers) a ${where}
          GROUP BY 1 ORDER BY 1`,
        params,
      ),
    ]);
    return { responses: n, questions };
  }
}

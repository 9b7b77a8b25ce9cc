export * from './create-referral';
export * from './create-referral.operations';

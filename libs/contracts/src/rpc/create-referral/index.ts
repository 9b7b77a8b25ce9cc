export * from './create-referral';

export * from './consultations';

export * from './consultations';
export * from './consultations.operations';

export * from './incidents-course-of-conduct';
export * from './incidents.operations';

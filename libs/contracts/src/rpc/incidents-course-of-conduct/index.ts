export * from './incidents-course-of-conduct';

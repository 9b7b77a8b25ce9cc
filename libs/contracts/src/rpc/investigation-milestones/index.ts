export * from './investigation-milestones';
export * from './investigation-milestones.operations';

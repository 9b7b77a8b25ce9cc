export * from './mh-recommendation-made.v1';

export declare const SERVER_AREAS: string[];

export declare const x = 1;
//# sourceMappingURL=probe.d.ts.map
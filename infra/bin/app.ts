import { App } from 'aws-cdk-lib';
import { defineApp } from '../app.ts';

// Entry of `cdk synth` / `cdk deploy` (see cdk.json). Settings come from context: cdk.json, overridden
// with `-c stage=prod -c region=…`. Nothing is looked up, so synthesis works offline.
defineApp(new App());

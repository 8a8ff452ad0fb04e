import { GO_STRING, GO_TYPE } from './goValues.ts';

/** html/template.HTML: content trusted as HTML (Prometheus/Alertmanager `safeHtml`). */
export class SafeHTML {
  readonly [GO_TYPE] = 'template.HTML';
  readonly [GO_STRING] = true;
  constructor(readonly value: string) {}
  String(): string {
    return this.value;
  }
}

/** html/template.URL: a URL trusted not to need filtering (Alertmanager `safeUrl`). */
export class SafeURL {
  readonly [GO_TYPE] = 'template.URL';
  readonly [GO_STRING] = true;
  constructor(readonly value: string) {}
  String(): string {
    return this.value;
  }
}

// Alertmanager 0.25 default notification templates (template/default.tmpl and
// template/email.tmpl, as shipped in Debian prometheus-alertmanager 0.25.0 under
// /usr/share/prometheus/alertmanager/). These texts are part of the external format: receivers
// render e.g. {{ template "slack.default.title" . }} and users override single definitions.
// The email HTML derives from Mailgun transactional-email-templates (MIT License, reproduced
// inside the template text below).

/** template/default.tmpl of Alertmanager 0.25. */
export const DEFAULT_TMPL = "{{ define \"__alertmanager\" }}Alertmanager{{ end }}\n" +
  "{{ define \"__alertmanagerURL\" }}{{ .ExternalURL }}/#/alerts?receiver={{ .Receiver | urlquery }}{{ end }}\n" +
  "\n" +
  "{{ define \"__subject\" }}[{{ .Status | toUpper }}{{ if eq .Status \"firing\" }}:{{ .Alerts.Firing | len }}{{ end }}] {{ .GroupLabels.SortedPairs.Values | join \" \" }} {{ if gt (len .CommonLabels) (len .GroupLabels) }}({{ with .CommonLabels.Remove .GroupLabels.Names }}{{ .Values | join \" \" }}{{ end }}){{ end }}{{ end }}\n" +
  "{{ define \"__description\" }}{{ end }}\n" +
  "\n" +
  "{{ define \"__text_alert_list\" }}{{ range . }}Labels:\n" +
  "{{ range .Labels.SortedPairs }} - {{ .Name }} = {{ .Value }}\n" +
  "{{ end }}Annotations:\n" +
  "{{ range .Annotations.SortedPairs }} - {{ .Name }} = {{ .Value }}\n" +
  "{{ end }}Source: {{ .GeneratorURL }}\n" +
  "{{ end }}{{ end }}\n" +
  "\n" +
  "\n" +
  "{{ define \"slack.default.title\" }}{{ template \"__subject\" . }}{{ end }}\n" +
  "{{ define \"slack.default.username\" }}{{ template \"__alertmanager\" . }}{{ end }}\n" +
  "{{ define \"slack.default.fallback\" }}{{ template \"slack.default.title\" . }} | {{ template \"slack.default.titlelink\" . }}{{ end }}\n" +
  "{{ define \"slack.default.callbackid\" }}{{ end }}\n" +
  "{{ define \"slack.default.pretext\" }}{{ end }}\n" +
  "{{ define \"slack.default.titlelink\" }}{{ template \"__alertmanagerURL\" . }}{{ end }}\n" +
  "{{ define \"slack.default.iconemoji\" }}{{ end }}\n" +
  "{{ define \"slack.default.iconurl\" }}{{ end }}\n" +
  "{{ define \"slack.default.text\" }}{{ end }}\n" +
  "{{ define \"slack.default.footer\" }}{{ end }}\n" +
  "\n" +
  "\n" +
  "{{ define \"pagerduty.default.description\" }}{{ template \"__subject\" . }}{{ end }}\n" +
  "{{ define \"pagerduty.default.client\" }}{{ template \"__alertmanager\" . }}{{ end }}\n" +
  "{{ define \"pagerduty.default.clientURL\" }}{{ template \"__alertmanagerURL\" . }}{{ end }}\n" +
  "{{ define \"pagerduty.default.instances\" }}{{ template \"__text_alert_list\" . }}{{ end }}\n" +
  "\n" +
  "\n" +
  "{{ define \"opsgenie.default.message\" }}{{ template \"__subject\" . }}{{ end }}\n" +
  "{{ define \"opsgenie.default.description\" }}{{ .CommonAnnotations.SortedPairs.Values | join \" \" }}\n" +
  "{{ if gt (len .Alerts.Firing) 0 -}}\n" +
  "Alerts Firing:\n" +
  "{{ template \"__text_alert_list\" .Alerts.Firing }}\n" +
  "{{- end }}\n" +
  "{{ if gt (len .Alerts.Resolved) 0 -}}\n" +
  "Alerts Resolved:\n" +
  "{{ template \"__text_alert_list\" .Alerts.Resolved }}\n" +
  "{{- end }}\n" +
  "{{- end }}\n" +
  "{{ define \"opsgenie.default.source\" }}{{ template \"__alertmanagerURL\" . }}{{ end }}\n" +
  "\n" +
  "\n" +
  "{{ define \"wechat.default.message\" }}{{ template \"__subject\" . }}\n" +
  "{{ .CommonAnnotations.SortedPairs.Values | join \" \" }}\n" +
  "{{ if gt (len .Alerts.Firing) 0 -}}\n" +
  "Alerts Firing:\n" +
  "{{ template \"__text_alert_list\" .Alerts.Firing }}\n" +
  "{{- end }}\n" +
  "{{ if gt (len .Alerts.Resolved) 0 -}}\n" +
  "Alerts Resolved:\n" +
  "{{ template \"__text_alert_list\" .Alerts.Resolved }}\n" +
  "{{- end }}\n" +
  "AlertmanagerUrl:\n" +
  "{{ template \"__alertmanagerURL\" . }}\n" +
  "{{- end }}\n" +
  "{{ define \"wechat.default.to_user\" }}{{ end }}\n" +
  "{{ define \"wechat.default.to_party\" }}{{ end }}\n" +
  "{{ define \"wechat.default.to_tag\" }}{{ end }}\n" +
  "{{ define \"wechat.default.agent_id\" }}{{ end }}\n" +
  "\n" +
  "\n" +
  "\n" +
  "{{ define \"victorops.default.state_message\" }}{{ .CommonAnnotations.SortedPairs.Values | join \" \" }}\n" +
  "{{ if gt (len .Alerts.Firing) 0 -}}\n" +
  "Alerts Firing:\n" +
  "{{ template \"__text_alert_list\" .Alerts.Firing }}\n" +
  "{{- end }}\n" +
  "{{ if gt (len .Alerts.Resolved) 0 -}}\n" +
  "Alerts Resolved:\n" +
  "{{ template \"__text_alert_list\" .Alerts.Resolved }}\n" +
  "{{- end }}\n" +
  "{{- end }}\n" +
  "{{ define \"victorops.default.entity_display_name\" }}{{ template \"__subject\" . }}{{ end }}\n" +
  "{{ define \"victorops.default.monitoring_tool\" }}{{ template \"__alertmanager\" . }}{{ end }}\n" +
  "\n" +
  "{{ define \"pushover.default.title\" }}{{ template \"__subject\" . }}{{ end }}\n" +
  "{{ define \"pushover.default.message\" }}{{ .CommonAnnotations.SortedPairs.Values | join \" \" }}\n" +
  "{{ if gt (len .Alerts.Firing) 0 }}\n" +
  "Alerts Firing:\n" +
  "{{ template \"__text_alert_list\" .Alerts.Firing }}\n" +
  "{{ end }}\n" +
  "{{ if gt (len .Alerts.Resolved) 0 }}\n" +
  "Alerts Resolved:\n" +
  "{{ template \"__text_alert_list\" .Alerts.Resolved }}\n" +
  "{{ end }}\n" +
  "{{ end }}\n" +
  "{{ define \"pushover.default.url\" }}{{ template \"__alertmanagerURL\" . }}{{ end }}\n" +
  "\n" +
  "{{ define \"sns.default.subject\" }}{{ template \"__subject\" . }}{{ end }}\n" +
  "{{ define \"sns.default.message\" }}{{ .CommonAnnotations.SortedPairs.Values | join \" \" }}\n" +
  "{{ if gt (len .Alerts.Firing) 0 }}\n" +
  "Alerts Firing:\n" +
  "{{ template \"__text_alert_list\" .Alerts.Firing }}\n" +
  "{{ end }}\n" +
  "{{ if gt (len .Alerts.Resolved) 0 }}\n" +
  "Alerts Resolved:\n" +
  "{{ template \"__text_alert_list\" .Alerts.Resolved }}\n" +
  "{{ end }}\n" +
  "{{ end }}\n" +
  "\n" +
  "{{ define \"telegram.default.message\" }}\n" +
  "{{ if gt (len .Alerts.Firing) 0 }}\n" +
  "Alerts Firing:\n" +
  "{{ template \"__text_alert_list\" .Alerts.Firing }}\n" +
  "{{ end }}\n" +
  "{{ if gt (len .Alerts.Resolved) 0 }}\n" +
  "Alerts Resolved:\n" +
  "{{ template \"__text_alert_list\" .Alerts.Resolved }}\n" +
  "{{ end }}\n" +
  "{{ end }}\n" +
  "\n" +
  "{{ define \"discord.default.title\" }}{{ template \"__subject\" . }}{{ end }}\n" +
  "{{ define \"discord.default.message\" }}\n" +
  "{{ if gt (len .Alerts.Firing) 0 }}\n" +
  "Alerts Firing:\n" +
  "{{ template \"__text_alert_list\" .Alerts.Firing }}\n" +
  "{{ end }}\n" +
  "{{ if gt (len .Alerts.Resolved) 0 }}\n" +
  "Alerts Resolved:\n" +
  "{{ template \"__text_alert_list\" .Alerts.Resolved }}\n" +
  "{{ end }}\n" +
  "{{ end }}\n" +
  "\n" +
  "{{ define \"webex.default.message\" }}{{ .CommonAnnotations.SortedPairs.Values | join \" \" }}\n" +
  "{{ if gt (len .Alerts.Firing) 0 }}\n" +
  "Alerts Firing:\n" +
  "{{ template \"__text_alert_list\" .Alerts.Firing }}\n" +
  "{{ end }}\n" +
  "{{ if gt (len .Alerts.Resolved) 0 }}\n" +
  "Alerts Resolved:\n" +
  "{{ template \"__text_alert_list\" .Alerts.Resolved }}\n" +
  "{{ end }}\n" +
  "{{ end }}\n" +
  "";

/** template/email.tmpl of Alertmanager 0.25 (email.default.subject, email.default.html). */
export const EMAIL_TMPL = "\n" +
  "{{ define \"email.default.subject\" }}{{ template \"__subject\" . }}{{ end }}\n" +
  "{{ define \"email.default.html\" }}\n" +
  "<!--\n" +
  "Style and HTML derived from https://github.com/mailgun/transactional-email-templates\n" +
  "\n" +
  "\n" +
  "The MIT License (MIT)\n" +
  "\n" +
  "Copyright (c) 2014 Mailgun\n" +
  "\n" +
  "Permission is hereby granted, free of charge, to any person obtaining a copy\n" +
  "of this software and associated documentation files (the \"Software\"), to deal\n" +
  "in the Software without restriction, including without limitation the rights\n" +
  "to use, copy, modify, merge, publish, distribute, sublicense, and/or sell\n" +
  "copies of the Software, and to permit persons to whom the Software is\n" +
  "furnished to do so, subject to the following conditions:\n" +
  "\n" +
  "The above copyright notice and this permission notice shall be included in all\n" +
  "copies or substantial portions of the Software.\n" +
  "\n" +
  "THE SOFTWARE IS PROVIDED \"AS IS\", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR\n" +
  "IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,\n" +
  "FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE\n" +
  "AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER\n" +
  "LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,\n" +
  "OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE\n" +
  "SOFTWARE.\n" +
  "-->\n" +
  "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\" \"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd\">\n" +
  "<html xmlns=\"http://www.w3.org/1999/xhtml\" style=\"margin: 0; font-family: 'Helvetica Neue', Helvetica, Arial, sans-serif; box-sizing: border-box; font-size: 14px;\">\n" +
  "<head>\n" +
  "<meta name=\"viewport\" content=\"width=device-width\">\n" +
  "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=UTF-8\">\n" +
  "<title>{{ template \"__subject\" . }}</title>\n" +
  "<style>\n" +
  "@media only screen and (max-width: 640px) {\n" +
  "  body {\n" +
  "    padding: 0 !important;\n" +
  "  }\n" +
  "\n" +
  "  h1,\n" +
  "h2,\n" +
  "h3,\n" +
  "h4 {\n" +
  "    font-weight: 800 !important;\n" +
  "    margin: 20px 0 5px !important;\n" +
  "  }\n" +
  "\n" +
  "  h1 {\n" +
  "    font-size: 22px !important;\n" +
  "  }\n" +
  "\n" +
  "  h2 {\n" +
  "    font-size: 18px !important;\n" +
  "  }\n" +
  "\n" +
  "  h3 {\n" +
  "    font-size: 16px !important;\n" +
  "  }\n" +
  "\n" +
  "  .container {\n" +
  "    padding: 0 !important;\n" +
  "    width: 100% !important;\n" +
  "  }\n" +
  "\n" +
  "  .content {\n" +
  "    padding: 0 !important;\n" +
  "  }\n" +
  "\n" +
  "  .content-wrap {\n" +
  "    padding: 10px !important;\n" +
  "  }\n" +
  "\n" +
  "  .invoice {\n" +
  "    width: 100% !important;\n" +
  "  }\n" +
  "}\n" +
  "</style>\n" +
  "</head>\n" +
  "\n" +
  "<body itemscope itemtype=\"http://schema.org/EmailMessage\" style=\"margin: 0; font-family: 'Helvetica Neue', Helvetica, Arial, sans-serif; box-sizing: border-box; font-size: 14px; -webkit-font-smoothing: antialiased; -webkit-text-size-adjust: none; height: 100%; line-height: 1.6em; background-color: #f6f6f6; width: 100%;\">\n" +
  "\n" +
  "<table class=\"body-wrap\" style=\"margin: 0; font-family: 'Helvetica Neue', Helvetica, Arial, sans-serif; box-sizing: border-box; font-size: 14px; background-color: #f6f6f6; width: 100%;\" width=\"100%\" bgcolor=\"#f6f6f6\">\n" +
  "  <tr style=\"margin: 0; font-family: 'Helvetica Neue', Helvetica, Arial, sans-serif; box-sizing: border-box; font-size: 14px;\">\n" +
  "    <td style=\"margin: 0; font-family: 'Helvetica Neue', Helvetica, Arial, sans-serif; box-sizing: border-box; font-size: 14px; vertical-align: top;\" valign=\"top\"></td>\n" +
  "    <td class=\"container\" width=\"600\" style=\"font-family: 'Helvetica Neue', Helvetica, Arial, sans-serif; box-sizing: border-box; font-size: 14px; vertical-align: top; display: block; max-width: 600px; margin: 0 auto; clear: both;\" valign=\"top\">\n" +
  "      <div class=\"content\" style=\"font-family: 'Helvetica Neue', Helvetica, Arial, sans-serif; box-sizing: border-box; font-size: 14px; max-width: 600px; margin: 0 auto; display: block; padding: 20px;\">\n" +
  "        <table class=\"main\" width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" style=\"margin: 0; font-family: 'Helvetica Neue', Helvetica, Arial, sans-serif; box-sizing: border-box; font-size: 14px; background-color: #fff; border: 1px solid #e9e9e9; border-radius: 3px;\" bgcolor=\"#fff\">\n" +
  "          <tr style=\"margin: 0; font-family: 'Helvetica Neue', Helvetica, Arial, sans-serif; box-sizing: border-box; font-size: 14px;\">\n" +
  "            {{ if gt (len .Alerts.Firing) 0 }}\n" +
  "            <td class=\"alert alert-warning\" style=\"margin: 0; font-family: 'Helvetica Neue', Helvetica, Arial, sans-serif; box-sizing: border-box; vertical-align: top; font-size: 16px; color: #fff; font-weight: 500; padding: 20px; text-align: center; border-radius: 3px 3px 0 0; background-color: #E6522C;\" valign=\"top\" align=\"center\" bgcolor=\"#E6522C\">\n" +
  "              {{ .Alerts | len }} alert{{ if gt (len .Alerts) 1 }}s{{ end }} for {{ range .GroupLabels.SortedPairs }}\n" +
  "                {{ .Name }}={{ .Value }}\n" +
  "              {{ end }}\n" +
  "            </td>\n" +
  "            {{ else }}\n" +
  "            <td class=\"alert alert-good\" style=\"margin: 0; font-family: 'Helvetica Neue', Helvetica, Arial, sans-serif; box-sizing: border-box; vertical-align: top; font-size: 16px; color: #fff; font-weight: 500; padding: 20px; text-align: center; border-radius: 3px 3px 0 0; background-color: #68B90F;\" valign=\"top\" align=\"center\" bgcolor=\"#68B90F\">\n" +
  "              {{ .Alerts | len }} alert{{ if gt (len .Alerts) 1 }}s{{ end }} for {{ range .GroupLabels.SortedPairs }}\n" +
  "                {{ .Name }}={{ .Value }} \n" +
  "              {{ end }}\n" +
  "            </td>\n" +
  "            {{ end }}\n" +
  "          </tr>\n" +
  "          <tr style=\"margin: 0; font-family: 'Helvetica Neue', Helvetica, Arial, sans-serif; box-sizing: border-box; font-size: 14px;\">\n" +
  "            <td class=\"content-wrap\" style=\"margin: 0; font-family: 'Helvetica Neue', Helvetica, Arial, sans-serif; box-sizing: border-box; font-size: 14px; vertical-align: top; padding: 30px;\" valign=\"top\">\n" +
  "              <table width=\"100%\" cellpadding=\"0\" cellspacing=\"0\" style=\"margin: 0; font-family: 'Helvetica Neue', Helvetica, Arial, sans-serif; box-sizing: border-box; font-size: 14px;\">\n" +
  "                <tr style=\"margin: 0; font-family: 'Helvetica Neue', Helvetica, Arial, sans-serif; box-sizing: border-box; font-size: 14px;\">\n" +
  "                  <td class=\"content-block\" style=\"margin: 0; font-family: 'Helvetica Neue', Helvetica, Arial, sans-serif; box-sizing: border-box; font-size: 14px; vertical-align: top; padding: 0 0 20px;\" valign=\"top\">\n" +
  "                    <a href=\"{{ template \"__alertmanagerURL\" . }}\" class=\"btn-primary\" style=\"margin: 0; font-family: 'Helvetica Neue', Helvetica, Arial, sans-serif; box-sizing: border-box; font-size: 14px; text-decoration: none; color: #FFF; background-color: #348eda; border: solid #348eda; border-width: 10px 20px; line-height: 2em; font-weight: bold; text-align: center; cursor: pointer; display: inline-block; border-radius: 5px; text-transform: capitalize;\">View in {{ template \"__alertmanager\" . }}</a>\n" +
  "                  </td>\n" +
  "                </tr>\n" +
  "                {{ if gt (len .Alerts.Firing) 0 }}\n" +
  "                <tr style=\"margin: 0; font-family: 'Helvetica Neue', Helvetica, Arial, sans-serif; box-sizing: border-box; font-size: 14px;\">\n" +
  "                  <td class=\"content-block\" style=\"margin: 0; font-family: 'Helvetica Neue', Helvetica, Arial, sans-serif; box-sizing: border-box; font-size: 14px; vertical-align: top; padding: 0 0 20px;\" valign=\"top\">\n" +
  "                    <strong style=\"margin: 0; font-family: 'Helvetica Neue', Helvetica, Arial, sans-serif; box-sizing: border-box; font-size: 14px;\">[{{ .Alerts.Firing | len }}] Firing</strong>\n" +
  "                  </td>\n" +
  "                </tr>\n" +
  "                {{ end }}\n" +
  "                {{ range .Alerts.Firing }}\n" +
  "                <tr style=\"margin: 0; font-family: 'Helvetica Neue', Helvetica, Arial, sans-serif; box-sizing: border-box; font-size: 14px;\">\n" +
  "                  <td class=\"content-block\" style=\"margin: 0; font-family: 'Helvetica Neue', Helvetica, Arial, sans-serif; box-sizing: border-box; font-size: 14px; vertical-align: top; padding: 0 0 20px;\" valign=\"top\">\n" +
  "                    <strong style=\"margin: 0; font-family: 'Helvetica Neue', Helvetica, Arial, sans-serif; box-sizing: border-box; font-size: 14px;\">Labels</strong><br style=\"margin: 0; font-family: 'Helvetica Neue', Helvetica, Arial, sans-serif; box-sizing: border-box; font-size: 14px;\">\n" +
  "                    {{ range .Labels.SortedPairs }}{{ .Name }} = {{ .Value }}<br style=\"margin: 0; font-family: 'Helvetica Neue', Helvetica, Arial, sans-serif; box-sizing: border-box; font-size: 14px;\">{{ end }}\n" +
  "                    {{ if gt (len .Annotations) 0 }}<strong style=\"margin: 0; font-family: 'Helvetica Neue', Helvetica, Arial, sans-serif; box-sizing: border-box; font-size: 14px;\">Annotations</strong><br style=\"margin: 0; font-family: 'Helvetica Neue', Helvetica, Arial, sans-serif; box-sizing: border-box; font-size: 14px;\">{{ end }}\n" +
  "                    {{ range .Annotations.SortedPairs }}{{ .Name }} = {{ .Value }}<br style=\"margin: 0; font-family: 'Helvetica Neue', Helvetica, Arial, sans-serif; box-sizing: border-box; font-size: 14px;\">{{ end }}\n" +
  "                    <a href=\"{{ .GeneratorURL }}\" style=\"margin: 0; font-family: 'Helvetica Neue', Helvetica, Arial, sans-serif; box-sizing: border-box; font-size: 14px; color: #348eda; text-decoration: underline;\">Source</a><br style=\"margin: 0; font-family: 'Helvetica Neue', Helvetica, Arial, sans-serif; box-sizing: border-box; font-size: 14px;\">\n" +
  "                  </td>\n" +
  "                </tr>\n" +
  "                {{ end }}\n" +
  "\n" +
  "                {{ if gt (len .Alerts.Resolved) 0 }}\n" +
  "                  {{ if gt (len .Alerts.Firing) 0 }}\n" +
  "                <tr style=\"margin: 0; font-family: 'Helvetica Neue', Helvetica, Arial, sans-serif; box-sizing: border-box; font-size: 14px;\">\n" +
  "                  <td class=\"content-block\" style=\"margin: 0; font-family: 'Helvetica Neue', Helvetica, Arial, sans-serif; box-sizing: border-box; font-size: 14px; vertical-align: top; padding: 0 0 20px;\" valign=\"top\">\n" +
  "                    <br style=\"margin: 0; font-family: 'Helvetica Neue', Helvetica, Arial, sans-serif; box-sizing: border-box; font-size: 14px;\">\n" +
  "                    <hr style=\"margin: 0; font-family: 'Helvetica Neue', Helvetica, Arial, sans-serif; box-sizing: border-box; font-size: 14px;\">\n" +
  "                    <br style=\"margin: 0; font-family: 'Helvetica Neue', Helvetica, Arial, sans-serif; box-sizing: border-box; font-size: 14px;\">\n" +
  "                  </td>\n" +
  "                </tr>\n" +
  "                  {{ end }}\n" +
  "                <tr style=\"margin: 0; font-family: 'Helvetica Neue', Helvetica, Arial, sans-serif; box-sizing: border-box; font-size: 14px;\">\n" +
  "                  <td class=\"content-block\" style=\"margin: 0; font-family: 'Helvetica Neue', Helvetica, Arial, sans-serif; box-sizing: border-box; font-size: 14px; vertical-align: top; padding: 0 0 20px;\" valign=\"top\">\n" +
  "                    <strong style=\"margin: 0; font-family: 'Helvetica Neue', Helvetica, Arial, sans-serif; box-sizing: border-box; font-size: 14px;\">[{{ .Alerts.Resolved | len }}] Resolved</strong>\n" +
  "                  </td>\n" +
  "                </tr>\n" +
  "                {{ end }}\n" +
  "                {{ range .Alerts.Resolved }}\n" +
  "                <tr style=\"margin: 0; font-family: 'Helvetica Neue', Helvetica, Arial, sans-serif; box-sizing: border-box; font-size: 14px;\">\n" +
  "                  <td class=\"content-block\" style=\"margin: 0; font-family: 'Helvetica Neue', Helvetica, Arial, sans-serif; box-sizing: border-box; font-size: 14px; vertical-align: top; padding: 0 0 20px;\" valign=\"top\">\n" +
  "                    <strong style=\"margin: 0; font-family: 'Helvetica Neue', Helvetica, Arial, sans-serif; box-sizing: border-box; font-size: 14px;\">Labels</strong><br style=\"margin: 0; font-family: 'Helvetica Neue', Helvetica, Arial, sans-serif; box-sizing: border-box; font-size: 14px;\">\n" +
  "                    {{ range .Labels.SortedPairs }}{{ .Name }} = {{ .Value }}<br style=\"margin: 0; font-family: 'Helvetica Neue', Helvetica, Arial, sans-serif; box-sizing: border-box; font-size: 14px;\">{{ end }}\n" +
  "                    {{ if gt (len .Annotations) 0 }}<strong style=\"margin: 0; font-family: 'Helvetica Neue', Helvetica, Arial, sans-serif; box-sizing: border-box; font-size: 14px;\">Annotations</strong><br style=\"margin: 0; font-family: 'Helvetica Neue', Helvetica, Arial, sans-serif; box-sizing: border-box; font-size: 14px;\">{{ end }}\n" +
  "                    {{ range .Annotations.SortedPairs }}{{ .Name }} = {{ .Value }}<br style=\"margin: 0; font-family: 'Helvetica Neue', Helvetica, Arial, sans-serif; box-sizing: border-box; font-size: 14px;\">{{ end }}\n" +
  "                    <a href=\"{{ .GeneratorURL }}\" style=\"margin: 0; font-family: 'Helvetica Neue', Helvetica, Arial, sans-serif; box-sizing: border-box; font-size: 14px; color: #348eda; text-decoration: underline;\">Source</a><br style=\"margin: 0; font-family: 'Helvetica Neue', Helvetica, Arial, sans-serif; box-sizing: border-box; font-size: 14px;\">\n" +
  "                  </td>\n" +
  "                </tr>\n" +
  "                {{ end }}\n" +
  "              </table>\n" +
  "            </td>\n" +
  "          </tr>\n" +
  "        </table>\n" +
  "\n" +
  "        <div class=\"footer\" style=\"margin: 0; font-family: 'Helvetica Neue', Helvetica, Arial, sans-serif; box-sizing: border-box; font-size: 14px; width: 100%; clear: both; color: #999; padding: 20px;\">\n" +
  "          <table width=\"100%\" style=\"margin: 0; font-family: 'Helvetica Neue', Helvetica, Arial, sans-serif; box-sizing: border-box; font-size: 14px;\">\n" +
  "            <tr style=\"margin: 0; font-family: 'Helvetica Neue', Helvetica, Arial, sans-serif; box-sizing: border-box; font-size: 14px;\">\n" +
  "              <td class=\"aligncenter content-block\" style=\"margin: 0; font-family: 'Helvetica Neue', Helvetica, Arial, sans-serif; box-sizing: border-box; vertical-align: top; padding: 0 0 20px; text-align: center; color: #999; font-size: 12px;\" valign=\"top\" align=\"center\"><a href=\"{{ .ExternalURL }}\" style=\"margin: 0; font-family: 'Helvetica Neue', Helvetica, Arial, sans-serif; box-sizing: border-box; text-decoration: underline; color: #999; font-size: 12px;\">Sent by {{ template \"__alertmanager\" . }}</a></td>\n" +
  "            </tr>\n" +
  "          </table>\n" +
  "        </div></div>\n" +
  "    </td>\n" +
  "    <td style=\"margin: 0; font-family: 'Helvetica Neue', Helvetica, Arial, sans-serif; box-sizing: border-box; font-size: 14px; vertical-align: top;\" valign=\"top\"></td>\n" +
  "  </tr>\n" +
  "</table>\n" +
  "\n" +
  "</body>\n" +
  "</html>\n" +
  "\n" +
  "{{ end }}\n" +
  "";

/**
 * Microsoft Teams defaults, which Alertmanager added in 0.26 (0.25 has no msteams receiver);
 * the same text as upstream template/default.tmpl, included so promlite's Teams receiver has
 * the defaults of later Alertmanagers.
 */
export const MSTEAMS_TMPL = `{{ define "__text_alert_list_markdown" }}{{ range . }}
Labels:
{{ range .Labels.SortedPairs }}  - {{ .Name }} = {{ .Value }}
{{ end }}
Annotations:
{{ range .Annotations.SortedPairs }}  - {{ .Name }} = {{ .Value }}
{{ end }}
Source: {{ .GeneratorURL }}
{{ end }}
{{ end }}

{{ define "msteams.default.summary" }}{{ template "__subject" . }}{{ end }}
{{ define "msteams.default.title" }}{{ template "__subject" . }}{{ end }}
{{ define "msteams.default.text" }}
{{ if gt (len .Alerts.Firing) 0 }}
# Alerts Firing:
{{ template "__text_alert_list_markdown" .Alerts.Firing }}
{{ end }}
{{ if gt (len .Alerts.Resolved) 0 }}
# Alerts Resolved:
{{ template "__text_alert_list_markdown" .Alerts.Resolved }}
{{ end }}
{{ end }}
`;

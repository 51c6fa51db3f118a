/** The e-mail layouts (Handlebars): HTML escapes every value; the text part is plain. */

export const EMAIL_HTML = `<!doctype html>
<html lang="{{language}}">
<head><meta charset="utf-8"><title>{{subject}}</title></head>
<body style="font-family: Arial, sans-serif; color: #1f2933; max-width: 600px; margin: 0 auto; padding: 16px">
  {{#if intro}}<p>{{intro}}</p>{{/if}}
  {{#each items}}
  <div style="border-left: 4px solid {{color}}; padding: 8px 12px; margin: 12px 0">
    <h2 style="font-size: 16px; margin: 0 0 6px">{{title}}</h2>
    <p style="margin: 0 0 6px">{{body}}</p>
    <p style="margin: 0; color: #616e7c; font-size: 12px">{{time}}</p>
  </div>
  {{/each}}
  <p><a href="{{consoleUrl}}">{{texts.open}}</a></p>
  <hr>
  <p style="color: #616e7c; font-size: 12px">{{texts.footer}}<br><a href="{{unsubscribeUrl}}">{{unsubscribeText}}</a></p>
</body>
</html>`;

export const EMAIL_TEXT = `{{#if intro}}{{intro}}

{{/if}}{{#each items}}{{title}}
{{body}}
{{time}}

{{/each}}{{texts.open}}: {{consoleUrl}}

--
{{texts.footer}}
{{unsubscribeText}}: {{unsubscribeUrl}}
`;

export const UNSUBSCRIBED_HTML = `<!doctype html>
<html lang="{{language}}"><head><meta charset="utf-8"><title>{{title}}</title></head>
<body style="font-family: Arial, sans-serif; max-width: 600px; margin: 40px auto"><h1>{{title}}</h1><p>{{message}}</p></body></html>`;

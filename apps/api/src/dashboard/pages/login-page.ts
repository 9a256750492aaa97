import { html, type SafeHtml } from '../render-page.js';

export function renderLogin(input: { csrf: string; next: string; error?: string; name?: string }): SafeHtml {
  return html` <section class="login">
    <h1>Operator sign-in</h1>
    ${input.error ? html`<p class="notice notice-error" role="alert">${input.error}</p>` : ''}
    <form method="post" action="/dashboard/login">
      <input type="hidden" name="_csrf" value="${input.csrf}" />
      <input type="hidden" name="next" value="${input.next}" />
      <label
        >Name
        <input
          name="name"
          autocomplete="username"
          required
          maxlength="64"
          value="${input.name ?? ''}"
          autofocus
      /></label>
      <label
        >Password
        <input name="password" type="password" autocomplete="current-password" required maxlength="1024"
      /></label>
      <button type="submit">Sign in</button>
    </form>
  </section>`;
}

export const DISABLED_PAGE = html` <section class="login">
  <h1>The operator dashboard is not enabled</h1>
  <p>
    Set <code>DASHBOARD_OPERATORS</code> (a comma-separated list of <code>name:hash</code>, each hash from
    <code>npm run operator-password -- --name NAME</code>) and <code>DASHBOARD_SESSION_SECRET</code> (32
    characters or more) in the api's environment, then restart it. See docs/operations.md, "Operator
    dashboard".
  </p>
</section>`;

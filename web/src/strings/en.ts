/**
 * The web app's own sentences in English. de.ts and fr.ts are typed as `Strings`, so TypeScript refuses a missing or
 * an extra key; test/unit/webStrings.test.ts also checks that no string is empty and the {placeholders} match.
 * Sentences that come from the API (error messages, field problems) are rendered from functions/core/messages.ts.
 */
export const en = {
  'app.title': 'Password self-service',
  'app.skipToContent': 'Skip to content',
  'app.language': 'Language',
  'app.loading': 'Loading…',
  'app.backToMenu': 'Back to the menu',

  'menu.title': 'What would you like to do?',
  'menu.intro': 'Manage your company account password yourself, at any time.',
  'menu.enroll.title': 'Enroll',
  'menu.enroll.description': 'Set up your security questions so that you can help yourself later.',
  'menu.reset.title': 'Reset password',
  'menu.reset.description': 'You forgot your password.',
  'menu.unlock.title': 'Unlock account',
  'menu.unlock.description': 'Your account is locked after too many wrong passwords.',
  'menu.change.title': 'Change password',
  'menu.change.description': 'You know your password and want a new one.',
  'menu.comingSoon': 'Coming soon',

  'comingSoon.text': 'This is not available yet. It will be added to this site soon.',
  'comingSoon.meanwhile': 'Until then, please contact your helpdesk if you need help with your account.',

  'enroll.title': 'Enroll for password self-service',
  'enroll.intro':
    'Sign in with your current username and password, then choose and answer {count} security questions. If you later forget your password or your account gets locked, you can prove who you are with these answers.',
  'enroll.account.legend': 'Your account',
  'enroll.username': 'Username',
  'enroll.username.hint': 'Your Windows sign-in name, for example jsmith.',
  'enroll.username.required': 'Enter your username.',
  'enroll.password': 'Current password',
  'enroll.questions.legend': 'Security questions',
  'enroll.questions.hint':
    'Choose {count} different questions. Each answer needs at least {min} and at most {max} characters, must not be one character repeated or the question itself, and must differ from your other answers. Capitals and extra spaces do not matter.',
  'enroll.question': 'Question {number}',
  'enroll.question.placeholder': 'Choose a question…',
  'enroll.answer': 'Answer {number}',
  'enroll.contacts.legend': 'Contact for verification codes',
  'enroll.contacts.hint':
    'We can send a one-time code to this address or number when you reset your password. New contacts must be confirmed before they are used.',
  'enroll.email': 'E-mail address',
  'enroll.email.hint': 'A private address you can reach when you cannot sign in, for example name@example.com.',
  'enroll.phone': 'Mobile number',
  'enroll.phone.hint': 'In international format, for example +15550100001.',
  'enroll.optional': '(optional)',
  'enroll.required': '(required)',
  'enroll.submit': 'Enroll',
  'enroll.submitting': 'Enrolling…',
  'enroll.fixFields': 'Please correct the marked fields.',
  'enroll.problemItem': '{label}: {problem}',
  'enroll.networkError': 'The service could not be reached. Check your connection and try again.',
  'enroll.badCredentials.hint': 'If your account is locked, unlock it first:',
  'enroll.badCredentials.unlock': 'Unlock account',
  'enroll.badCredentials.forgot': 'Forgot your password?',
  'enroll.badCredentials.reset': 'Reset password',
  'enroll.retryAfterShort': 'You can try again {when}.',
  'enroll.retryAfter': 'You can try again {when} (at {time}).',

  'reason.DISABLED': 'Your account is disabled. Please contact your helpdesk.',
  'reason.EXPIRED': 'Your account has expired. Please contact your helpdesk.',
  'reason.LOGON_HOURS':
    'Your account may not sign in at this time of day. Please try again during your permitted sign-in hours.',
  'reason.WORKSTATION':
    'Your account may only sign in on certain computers, so it cannot use self-service. Please contact your helpdesk.',
  'reason.CANNOT_CHANGE_PASSWORD':
    'Your account is not allowed to change its own password. Please contact your helpdesk.',
  'reason.MUST_CHANGE_PASSWORD':
    'You must change your password before you can enroll. Sign in to Windows to change it, then come back.',
  'reason.PASSWORD_EXPIRED': 'Your password has expired. Sign in to Windows to change it, then come back and enroll.',
  'reason.PROTECTED_ACCOUNT':
    'Accounts with administrative rights cannot use self-service. Please contact your helpdesk.',
  'reason.NO_VERIFICATION_CHANNEL':
    'Self-service needs a confirmed e-mail address or mobile number to send codes to, and your account has none yet.',

  'success.title': 'You are enrolled',
  'success.text':
    'Your security questions are saved. If you forget your password or your account gets locked, come back to this site and choose Reset password or Unlock account.',
  'success.questions': 'Your questions:',
  'success.pending': 'New contacts awaiting confirmation:',
  'success.pendingStatus': 'awaiting confirmation',
  'success.channel.email': 'E-mail',
  'success.channel.sms': 'Mobile (SMS)',
  'success.reenroll': 'You can enroll again at any time to change your questions or contacts.',

  'critical.title': 'Something went wrong',
  'critical.unavailableTitle': 'The service is temporarily unavailable',
  'critical.reference': 'If this keeps happening, contact your helpdesk and give them this reference:',
  'critical.tryAgain': 'Try again',
} as const;

export type StringKey = keyof typeof en;
/** What every language file must provide: exactly the keys of the English file. */
export type Strings = { readonly [K in StringKey]: string };

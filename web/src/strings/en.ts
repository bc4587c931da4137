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
  'critical.reference': 'Your reference for the helpdesk:',
  'critical.tryAgain': 'Try again',

  // Put into sentences such as "contact {helpdesk}"; operators set theirs in strings.json (README, Run it locally).
  'helpdesk.contact': 'your IT helpdesk',
  'idle.cleared': 'For your privacy, the page was cleared after 5 minutes without activity. Please start again.',
  'error.notEnrolled': 'Self-service needs your security questions first:',
  'error.tryLater': 'Please try again later.',

  'flow.username.title': 'Who are you?',
  'flow.reset.intro':
    'Enter your username. You then confirm who you are in one or more steps, for example with your security questions, an authenticator app, a recovery code or a code we send you, and choose a new password.',
  'flow.unlock.intro':
    'Enter your username. You then confirm who you are in one or more steps, for example with your security questions, an authenticator app, a recovery code or a code we send you; your account is then unlocked and your password stays the same.',
  'flow.continue': 'Continue',
  'flow.working': 'Please wait…',
  'flow.checking': 'Checking…',
  'flow.cancel': 'Cancel',
  'flow.restarted': 'The steps got out of order, so we started again. Please enter your username.',
  // The name in use on every step of a reset or unlock, and what the first step is (issue 16 item 4).
  'flowName.reset': 'Resetting the password of {username}.',
  'flowName.unlock': 'Unlocking the account of {username}.',
  'flowName.notYou': 'Not you? Start again',
  'firstStep.question': 'These are the questions you chose when you set up password reset.',
  'firstStep.choose': 'These are the ways you added when you set up password reset.',
  'firstStep.code':
    'The code goes to a contact on file for this name: one you gave when you set up password reset, or one your organization keeps.',
  'firstStep.authenticator': 'This is the authenticator app you added when you set up password reset.',
  'firstStep.recoveryCode': 'These are the recovery codes you saved when you set up password reset.',
  'firstStep.passkey': 'This is a passkey you added when you set up password reset.',
  'firstStep.never':
    'Never set this up, or not sure the name is right? Check the name above, or contact {helpdesk}: they can confirm who you are another way.',
  'firstStep.setUp':
    'Once you can sign in again, set up password reset under “{setup}” so that you can help yourself next time.',
  'flow.question.title': 'Question {index} of {of}',
  'flow.question.intro': 'Answer as you did when you enrolled. Capitals and extra spaces do not matter.',

  'code.title': 'Confirm with a code',
  'code.intro': 'Choose where we should send a one-time code, then send it.',
  'code.introSent': 'Enter the code we sent. If it does not arrive, you can ask for a new one.',
  'code.channels': 'Send the code to',
  'code.channelLabel': 'Destination',
  'code.viaEmail': 'E-mail to',
  'code.viaSms': 'Text message to',
  'code.send': 'Send code',
  'code.sending': 'Sending…',
  'code.sent': 'We sent a code to {destination}. It is valid for {minutes} minutes.',
  'code.label': 'Code',
  'code.hint': 'The {length} digits from the message.',
  'code.resend': 'Send a new code',
  'code.resendIn': 'Send a new code (in {seconds} s)',
  'code.chooseChannel': 'Choose where to send the code.',
  'code.wrongTitle': 'That code was not accepted.',
  'code.wrong': 'Check the code and try again, or ask for a new one.',

  'password.title': 'Choose a new password',
  'password.intro': 'Type your new password twice. Pasting is allowed, for example from a password manager.',
  'password.new': 'New password',
  'password.confirm': 'Confirm the new password',
  'password.show': 'Show',
  'password.hide': 'Hide',
  'password.mismatch': 'The two passwords are not the same.',
  'password.submit': 'Set new password',
  'password.submitting': 'Saving…',
  'password.tryAnother': 'Please choose another password.',

  'policy.title': 'Your new password:',
  'policy.minLength': 'has at least {min} characters',
  'policy.complexity': 'uses 3 of these: capital letters, small letters, digits, symbols',
  'policy.match': 'is typed the same way twice',
  'policy.rules': 'All the rules:',
  'policy.met': 'done',
  'policy.notMet': 'not yet',

  'violation.MIN_LENGTH': 'The password is too short.',
  'violation.MAX_LENGTH': 'The password is too long.',
  'violation.COMPLEXITY':
    'The password needs characters of at least 3 kinds: capital letters, small letters, digits, symbols.',
  'violation.CONTAINS_NAME': 'The password must not contain your username or parts of your name.',
  'violation.BANNED': 'This password is too common and easy to guess.',
  'violation.HISTORY': 'You used this password before. Choose one you have not used recently.',
  'violation.TOO_RECENT': 'Your password was changed too recently to change it again yet.',
  'violation.DIRECTORY_REFUSED': 'The directory refused this password. Choose a different one.',

  'unlock.title': 'Unlocking your account',
  'unlock.intro': 'You are verified. We are unlocking your account.',
  'unlock.submit': 'Unlock my account',
  'unlock.working': 'Unlocking…',

  'change.intro':
    'Enter your username and current password, then your new password twice. Use Reset password instead if you do not know your current password.',
  'change.submit': 'Change password',

  'done.changed.title': 'Your password has been changed',
  'done.changed.text': 'Your new password works now.',
  'done.changed.unlocked': 'Your account was unlocked too.',
  'done.unlocked.title': 'Your account is unlocked',
  'done.unlocked.text': 'You can sign in again with your current password.',
  'done.notLocked.title': 'Your account was not locked',
  'done.notLocked.text': 'There was nothing to unlock: your account was not locked.',
  'done.notLocked.next':
    'If you still cannot sign in, your password may be wrong or expired: use Reset password to choose a new one.',
  'done.nextTitle': 'What to do next',
  'done.next.laptop':
    'On a company laptop: connect it to the company network or VPN, then lock and unlock it with the new password so it learns it.',
  'done.next.devices':
    'Update the password on your phone, tablet and mail apps, or they may lock your account again with the old one.',
  'done.next.signIn': 'Everywhere else, sign in with the new password.',
  'done.next.signInOld': 'Sign in with the password you already have.',
  'done.next.forgot': 'Forgot it? Use Reset password to choose a new one.',

  'verify.intro':
    'We sent a code to each new contact. Enter it here to confirm the contact, so it can be used for codes.',
  'verify.label': 'Code sent to {destination}',
  'verify.submit': 'Confirm',
  'verify.confirmed': 'confirmed',
  'verify.done': '{destination} is confirmed.',
  'verify.wrong': 'That code is not right. Check it and try again.',
  'verify.expired': 'This code can no longer be used. Enroll again to get a new one.',

  'failed.title': 'We could not verify you',
  'failed.text':
    'Self-service could not confirm your identity, so nothing was changed on your account. For your security, we do not say which step did not match.',
  'failed.next':
    'Please contact {helpdesk}: they can verify you another way and help with your account. Trying again here may block self-service for your account for a day.',

  'critical.expiredTitle': 'Your session has ended',
  'critical.nextTitle': 'What you can do',
  'critical.next.unavailable': 'Wait a few minutes, then try again.',
  'critical.next.expired':
    'For your security, a session lasts only a few minutes and can be used once. Please start again from the beginning.',
  'critical.next.internal': 'Try again. If it fails again, contact the helpdesk.',
  'critical.helpdesk': 'If this keeps happening, contact {helpdesk} and give them the reference below.',
  'critical.startAgain': 'Start again',

  'menu.methods.title': 'Your recovery methods',
  'menu.methods.description': 'Add a passkey, an authenticator app or recovery codes, or remove them.',
  'enroll.methodsHint': 'You can also prove who you are with an authenticator app or recovery codes:',
  'choose.title': 'How do you want to confirm it is you?',
  'choose.intro': 'Choose one of these ways.',
  'choose.questions': 'Answer your security questions',
  'choose.codeEmail': 'Send a code to {destination}',
  'choose.codeSms': 'Send a text message to {destination}',
  'choose.authenticator': 'Enter the code from your authenticator app',
  'choose.recoveryCode': 'Use a recovery code',
  'choose.passkey': 'Use a passkey',
  'choose.another': 'Use another way',
  'authenticator.title': 'Enter the code from your authenticator app',
  'authenticator.intro':
    'Open the authenticator app you added for this account and enter the 6-digit code it shows now.',
  'authenticator.label': 'Code from the app',
  'authenticator.hint': '6 digits, for example 123 456.',
  'recoveryCode.title': 'Use a recovery code',
  'recoveryCode.intro': 'Enter one of the recovery codes you saved. Each code works only once.',
  'recoveryCode.label': 'Recovery code',
  'recoveryCode.hint':
    '24 letters and digits, for example ABCD-EFGH-JKMN-PQRS-TVWX-YZ01. Spaces and hyphens do not matter.',
  'possession.wrong': 'Check the code and try again.',
  'passkeyStep.title': 'Use a passkey',
  'passkeyStep.intro':
    'Your browser asks you to choose the passkey you added for this account and to confirm with your fingerprint, face, PIN or screen lock.',
  'passkeyStep.submit': 'Use my passkey',
  'passkeyStep.notUsedTitle': 'The passkey was not used.',
  'passkeyStep.wrongTitle': 'That passkey was not accepted.',
  'passkeyStep.wrong': 'Try again with a passkey you added for this account.',
  'passkey.waiting': 'Waiting for your device…',
  'passkey.notAllowed':
    'It was cancelled or timed out, or your device could not confirm that it is you. Please try again.',
  'passkey.exists':
    'This device already holds a passkey for your account. Use another device, or remove the old passkey first.',
  'passkey.unsupported': 'This browser cannot use passkeys. Use a current browser on a device with a screen lock.',
  'passkey.failed': 'Your browser could not use a passkey on this page. Please try again, or use another browser.',
  'methods.title': 'Your recovery methods',
  'methods.signIn.title': 'Sign in',
  'methods.signIn.intro':
    'Sign in with your username and current password to see and change the ways you can prove who you are when you reset your password.',
  'methods.signIn.submit': 'Sign in',
  'methods.signIn.working': 'Signing in…',
  'methods.expired': 'Your session has ended. Please sign in again.',
  'methods.overview.title': 'What your account has',
  'methods.overview.intro': 'We tell you by e-mail or text message whenever a method is added or removed.',
  'methods.questions.title': 'Security questions',
  'methods.questions.enrolled': 'Set up.',
  'methods.questions.none': 'Not set up.',
  'methods.questions.change': 'Set them up on the Enroll page',
  'methods.authenticator.title': 'Authenticator app',
  'methods.authenticator.enrolled': 'Added on {date}.',
  'methods.authenticator.none':
    'Not set up. An authenticator app on your phone shows a new 6-digit code every 30 seconds.',
  'methods.authenticator.add': 'Add an authenticator app',
  'methods.authenticator.remove': 'Remove the authenticator app',
  'methods.codes.title': 'Recovery codes',
  'methods.codes.remaining': 'Codes left: {count} (created on {date}).',
  'methods.codes.none': 'Not set up. Recovery codes are 10 codes you print or save somewhere safe; each works once.',
  'methods.codes.create': 'Create recovery codes',
  'methods.codes.replace': 'Create new codes (the old ones stop working)',
  'methods.codes.remove': 'Remove the recovery codes',
  'methods.codesShown.title': 'Save your recovery codes',
  'methods.codesShown.intro':
    'These codes are shown only now. Print or download them and keep them somewhere safe, away from your computer. Each code works once.',
  'methods.codesShown.listTitle': 'Recovery codes for {username}',
  'methods.codesShown.print': 'Print',
  'methods.codesShown.download': 'Download as a text file',
  'methods.codesShown.fileNote': 'Created on {date}. Each code works once.',
  'methods.codesShown.saved': 'I saved these codes',
  'methods.codesShown.savedRequired': 'Confirm that you saved the codes: they cannot be shown again.',
  'methods.codesShown.done': 'Your new recovery codes are active.',
  'methods.setup.title': 'Add an authenticator app',
  'methods.setup.scan': 'Open your authenticator app, add an account and scan this QR code.',
  'methods.setup.qrAlt':
    'QR code to add your account to an authenticator app. If you cannot scan it, type the key shown below instead.',
  'methods.setup.keyTitle': 'Cannot scan? Type this key into the app:',
  'methods.setup.copy': 'Copy the key',
  'methods.setup.copied': 'The key was copied.',
  'methods.setup.copyFailed': 'The key could not be copied. Select it and copy it yourself.',
  'methods.setup.codeLabel': 'The 6-digit code the app shows now',
  'methods.setup.submit': 'Add the app',
  'methods.setup.wrong': 'That code is not right. Check that the app shows this account and enter its current code.',
  'methods.setup.done': 'Your authenticator app was added.',
  'methods.remove.authenticatorTitle': 'Remove the authenticator app?',
  'methods.remove.authenticatorText':
    'Codes from the app will no longer prove who you are. You can add an app again at any time.',
  'methods.remove.codesTitle': 'Remove your recovery codes?',
  'methods.remove.codesText': 'All your recovery codes stop working. You can create new ones at any time.',
  'methods.remove.submit': 'Remove',
  'methods.remove.authenticatorDone': 'Your authenticator app was removed.',
  'methods.remove.codesDone': 'Your recovery codes were removed.',
  'methods.passkeys.title': 'Passkeys',
  'methods.passkeys.none':
    'Not set up. With a passkey you prove who you are with your fingerprint, face, PIN or screen lock, on this device or your phone.',
  'methods.passkeys.added': 'Added on {date}.',
  'methods.passkeys.lastUsed': 'Last used on {date}.',
  'methods.passkeys.neverUsed': 'Not used yet.',
  'methods.passkeys.add': 'Add a passkey',
  'methods.passkeys.remove': 'Remove',
  'methods.passkeys.removeNamed': 'Remove the passkey {name}',
  'methods.passkeys.limit': 'You have {max} passkeys, the most an account can hold. Remove one to add another.',
  'methods.passkey.title': 'Add a passkey',
  'methods.passkey.intro':
    'Name the passkey so that you recognise it later. Your browser then asks you to confirm with your fingerprint, face, PIN or screen lock.',
  'methods.passkey.nameLabel': 'Name of the passkey',
  'methods.passkey.nameHint': 'For example the device it is on, such as Work laptop. At most {max} characters.',
  'methods.passkey.submit': 'Create the passkey',
  'methods.passkey.failedTitle': 'The passkey was not added.',
  'methods.passkey.notVerified': 'The passkey could not be checked. Please try again.',
  'methods.passkey.done': 'Your passkey “{name}” was added.',
  'methods.remove.passkeyTitle': 'Remove the passkey “{name}”?',
  'methods.remove.passkeyText':
    'It will no longer prove who you are. To delete it from your device as well, remove it in the device’s password or passkey settings.',
  'methods.remove.passkeyDone': 'The passkey “{name}” was removed.',
  'methods.noRecovery.title': 'You cannot reset your password yourself yet',
  'methods.noRecovery.text':
    'What your account holds now is not enough to prove who you are. Add the methods below so that you can reset your password or unlock your account yourself.',
  'methods.lastWayBack.title': 'After this you cannot reset your password yourself',
  'methods.lastWayBack.text':
    'Nothing left on your account would be enough to prove who you are. If you then forget your password, only {helpdesk} can help.',
  'methods.lastWayBack.confirm': 'Remove anyway',
  'methods.contacts.title': 'E-mail and mobile for codes',
  'methods.contacts.text':
    'A code sent to a confirmed e-mail address or mobile number can follow an authenticator app or a recovery code.',
  'methods.contacts.change': 'Add or change them',
  'contactsOnly.title': 'Your contacts for codes',
  'contactsOnly.intro':
    'Sign in with your current username and password, then give an e-mail address or a mobile number. A one-time code sent there can confirm it is you, after an authenticator app or a recovery code.',
  'contactsOnly.methodsHint': 'Set up an authenticator app, recovery codes or a passkey on',
  'contactsOnly.submit': 'Save the contacts',
  'contactsOnly.submitting': 'Saving…',
  'contactsOnly.successTitle': 'Your contacts are saved',
  'contactsOnly.successText':
    'Confirm each new contact with the code sent to it. To be able to reset your password, also set up your recovery methods.',
  'contactsOnly.again': 'You can come back at any time to change your contacts.',
  'error.notEnrolledMethods': 'Self-service needs your recovery methods first:',
  'notMe.title': 'Report a change you did not make',
  'notMe.intro':
    'You got a message that your password was reset or changed, your account was unlocked, or your security answers or recovery methods were changed.',
  'notMe.what':
    'If that was not you, report it now. Self-service is then blocked for your account, so no one can use it to change your password, and your IT team is alerted.',
  'notMe.submit': 'Report it',
  'notMe.working': 'Reporting…',
  'notMe.done': 'Thank you, it is reported. Self-service is blocked for your account and your IT team was alerted.',
  'notMe.expired': 'This link can no longer be used: it was used already, or it is too old.',
  'notMe.noToken': 'This link is incomplete. Open the link from the message again, or copy all of it.',
  'notMe.contactNow': 'Contact {helpdesk} now: they will help you secure your account.',
  'notMe.helpdesk': 'Questions? Contact {helpdesk}.',
} as const;

export type StringKey = keyof typeof en;
/** What every language file must provide: exactly the keys of the English file. */
export type Strings = { readonly [K in StringKey]: string };

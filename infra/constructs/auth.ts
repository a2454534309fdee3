import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  AccountRecovery,
  CfnManagedLoginBranding,
  ClientAttributes,
  FeaturePlan,
  ManagedLoginVersion,
  Mfa,
  OAuthScope,
  StringAttribute,
  UserPool,
  UserPoolDomain,
  type UserPoolClient,
} from 'aws-cdk-lib/aws-cognito';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';

export interface AuthProps {
  /** @default - generated */
  readonly userPoolName?: string;
  /** Cognito groups to create, one per role of the product. */
  readonly groups: readonly string[];
  /** Require TOTP MFA at sign-in. @default false (offered, optional) */
  readonly requireMfa?: boolean;
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
  /** Prefix of the managed-login domain, `https://<prefix>.auth.<region>.amazoncognito.com`. */
  readonly domainPrefix: string;
}

/** What the console asks for at sign-in: who the user is, nothing that acts on the pool. */
export const consoleScopes = [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE] as const;

/** Where the console's client may send users back to after sign-in and sign-out. */
export interface ConsoleClientProps {
  /** Every URL is both a callback and a sign-out URL: the console's root, with the trailing slash. */
  readonly urls: readonly string[];
}

/**
 * What a signed-in user may change about themselves (UpdateUserAttributes with their own access
 * token). Listed explicitly: without a list Cognito lets the app client write every mutable
 * attribute, and `custom:division`, `custom:unitId` and `custom:position` are the user's
 * jurisdiction, which only an administrator changes (AdminUpdateUserAttributes).
 */
export const selfWritableAttributes = new ClientAttributes().withStandardAttributes({ fullname: true, locale: true, timezone: true });

/**
 * The user pool officials sign in to. Roles are groups (`cognito:groups` in the ID token) and the
 * jurisdiction travels as custom attributes (`custom:division`, `custom:unitId`, `custom:position`);
 * the API maps both to the same principal the local host builds from its own tokens.
 */
export class Auth extends Construct {
  readonly userPool: UserPool;
  /** The CLI's client (USER_PASSWORD_AUTH, no OAuth): operators get tokens with `aws cognito-idp initiate-auth`. */
  readonly client: UserPoolClient;
  /** The managed-login domain (sign-in pages, `/oauth2/token`, `/logout`). */
  readonly domain: UserPoolDomain;
  /** `https://<prefix>.auth.<region>.amazoncognito.com`, no trailing slash. */
  readonly domainUrl: string;
  private consoleClientValue?: UserPoolClient;
  /**
   * The `iss` claim of the pool's tokens, `https://cognito-idp.<region>.<url suffix>/<pool id>`.
   * Built here because the pool's `ProviderURL` attribute lacks the scheme.
   */
  readonly issuer: string;
  /** Where the pool publishes its signing keys. */
  readonly jwksUrl: string;

  constructor(scope: Construct, id: string, props: AuthProps) {
    super(scope, id);
    this.userPool = new UserPool(this, 'UserPool', {
      userPoolName: props.userPoolName,
      // Accounts are created by administrators for officials; nobody signs themselves up.
      selfSignUpEnabled: false,
      signInAliases: { username: true },
      signInCaseSensitive: false,
      customAttributes: {
        division: new StringAttribute({ minLen: 2, maxLen: 12, mutable: true }),
        unitId: new StringAttribute({ minLen: 1, maxLen: 64, mutable: true }),
        position: new StringAttribute({ minLen: 1, maxLen: 64, mutable: true }),
      },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: props.requireMfa ? Mfa.REQUIRED : Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      // No e-mail or phone is required of officials: an administrator resets passwords.
      accountRecovery: AccountRecovery.NONE,
      // Managed login and refresh-token rotation need at least Essentials; said explicitly because
      // a pool created before the tiers existed defaults to Lite.
      featurePlan: FeaturePlan.ESSENTIALS,
      deletionProtection: (props.removalPolicy ?? RemovalPolicy.RETAIN) === RemovalPolicy.RETAIN,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    for (const group of props.groups) {
      this.userPool.addGroup(`Group-${group}`, { groupName: group, description: `village-flow role ${group}` });
    }
    // The logical id stays `ConsoleClient` so that deployed stacks keep this client (and its id) in place.
    this.client = this.userPool.addClient('ConsoleClient', {
      // USER_PASSWORD_AUTH lets an operator get a token from the CLI (see "Deploy to AWS" in the README).
      authFlows: { userPassword: true, userSrp: true },
      generateSecret: false,
      // No managed login or OAuth flow is used by this client (tokens come from InitiateAuth), so it
      // grants no OAuth scopes at all, in particular not aws.cognito.signin.user.admin.
      disableOAuth: true,
      writeAttributes: selfWritableAttributes,
      preventUserExistenceErrors: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(1),
    });

    this.domain = this.userPool.addDomain('Domain', {
      cognitoDomain: { domainPrefix: props.domainPrefix },
      managedLoginVersion: ManagedLoginVersion.NEWER_MANAGED_LOGIN,
    });
    this.domainUrl = this.domain.baseUrl();

    const stack = Stack.of(this);
    this.issuer = `https://cognito-idp.${stack.region}.${stack.urlSuffix}/${this.userPool.userPoolId}`;
    this.jwksUrl = `${this.issuer}/.well-known/jwks.json`;

    const suppressions = [
      {
        id: 'AwsSolutions-COG8',
        reason: 'The Plus feature plan is priced per monthly active user and not offered in every region; accounts are administrator-created and the password policy is strict.',
      },
    ];
    if (!props.requireMfa) {
      suppressions.push({
        id: 'AwsSolutions-COG2',
        reason: 'TOTP MFA is offered to every user; requiring it is a deployment choice (context requireMfa=true) because many village officials have no authenticator device yet.',
      });
    }
    NagSuppressions.addResourceSuppressions(this.userPool, suppressions);
  }

  /**
   * The web console's client: a public client (no secret, the browser cannot keep one) that signs in
   * through managed login with the authorization code grant and PKCE. oidc-client-ts always sends a
   * PKCE challenge; Cognito checks the verifier whenever a challenge came with the code.
   */
  addConsoleClient(props: ConsoleClientProps): UserPoolClient {
    if (this.consoleClientValue) throw new Error('The console client exists already');
    const urls = [...props.urls];
    const client = this.userPool.addClient('WebConsoleClient', {
      userPoolClientName: 'web-console',
      generateSecret: false,
      oAuth: {
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false, clientCredentials: false },
        scopes: [...consoleScopes],
        callbackUrls: urls,
        logoutUrls: urls,
      },
      // Managed login needs no client-side flow. Naming one keeps Cognito from applying its default
      // list, which includes ALLOW_REFRESH_TOKEN_AUTH, refused together with refresh-token rotation.
      authFlows: { userSrp: true },
      writeAttributes: selfWritableAttributes,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      // Short-lived tokens: the console renews them with the refresh token before they expire, and a
      // stolen access or ID token is useless after 15 minutes.
      idTokenValidity: Duration.minutes(15),
      accessTokenValidity: Duration.minutes(15),
      // A working day; every refresh hands out a new refresh token and retires the old one (rotation).
      refreshTokenValidity: Duration.hours(12),
      refreshTokenRotationGracePeriod: Duration.seconds(10),
      authSessionValidity: Duration.minutes(5),
    });
    // Managed login (version 2) shows a client's pages only once it has a branding style; Cognito's
    // own default look is enough.
    new CfnManagedLoginBranding(this, 'WebConsoleBranding', {
      userPoolId: this.userPool.userPoolId,
      clientId: client.userPoolClientId,
      useCognitoProvidedValues: true,
    }).node.addDependency(this.domain);
    this.consoleClientValue = client;
    return client;
  }

  /** The web console's client; throws before {@link addConsoleClient}. */
  get consoleClient(): UserPoolClient {
    if (!this.consoleClientValue) throw new Error('The console client is added by addConsoleClient');
    return this.consoleClientValue;
  }

  /** Every app client whose ID tokens the API accepts (the `aud` claim). */
  get clientIds(): string[] {
    return [this.client.userPoolClientId, ...(this.consoleClientValue ? [this.consoleClientValue.userPoolClientId] : [])];
  }
}

import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { AccountRecovery, ClientAttributes, Mfa, StringAttribute, UserPool, type UserPoolClient } from 'aws-cdk-lib/aws-cognito';
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
  readonly client: UserPoolClient;
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
      deletionProtection: (props.removalPolicy ?? RemovalPolicy.RETAIN) === RemovalPolicy.RETAIN,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    for (const group of props.groups) {
      this.userPool.addGroup(`Group-${group}`, { groupName: group, description: `village-flow role ${group}` });
    }
    this.client = this.userPool.addClient('ConsoleClient', {
      // USER_PASSWORD_AUTH lets an operator get a token from the CLI (see "Deploy to AWS" in the README); SRP is for the console.
      authFlows: { userPassword: true, userSrp: true },
      generateSecret: false,
      // No hosted UI or OAuth flow is used (tokens come from InitiateAuth), so the client grants no
      // OAuth scopes at all, in particular not aws.cognito.signin.user.admin.
      disableOAuth: true,
      writeAttributes: selfWritableAttributes,
      preventUserExistenceErrors: true,
      idTokenValidity: Duration.hours(1),
      accessTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(1),
    });

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
}

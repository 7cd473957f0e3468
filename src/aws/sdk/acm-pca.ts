/**
 * The parts of `@aws-sdk/client-acm-pca` certkit uses, and the one place that imports them at
 * run time (everything else imports this file lazily). Named re-exports so that the bundle keeps
 * only these; see ./s3.ts.
 */
export {
  ACMPCAClient,
  DescribeCertificateAuthorityCommand,
  GetCertificateCommand,
  IssueCertificateCommand,
  waitForCertificateIssued,
} from '@aws-sdk/client-acm-pca';

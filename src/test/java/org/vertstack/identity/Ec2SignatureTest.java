package org.vertstack.identity;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

/** The EC2 signatures ec2tokens checks, against AWS's published example and the version 2 layout. */
class Ec2SignatureTest {

  /** AWS's signature version 4 example (IAM ListUsers, 2015-08-30) from the AWS General Reference. */
  @Test
  void version4MatchesAwsPublishedExample() {
    JsonObject creds = new JsonObject().put("access", "AKIDEXAMPLE").put("verb", "GET").put("path", "/").put("host", "iam.amazonaws.com")
      .put("params", new JsonObject().put("Action", "ListUsers").put("Version", "2010-05-08"))
      .put("headers", new JsonObject()
        .put("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
        .put("Host", "iam.amazonaws.com")
        .put("X-Amz-Date", "20150830T123600Z")
        .put("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, "
          + "SignedHeaders=content-type;host;x-amz-date, Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"))
      .put("body_hash", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    String expected = Ec2Signature.expected(creds, "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    assertThat(expected).isEqualTo("5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");
    assertThat(Ec2Signature.expected(creds, "another-secret")).isNotEqualTo(expected);
  }

  @Test
  void version2SignsVerbHostPathAndTheSortedEncodedQuery() throws Exception {
    JsonObject params = new JsonObject().put("SignatureVersion", "2").put("SignatureMethod", "HmacSHA256")
      .put("Action", "DescribeInstances").put("AWSAccessKeyId", "ak").put("Timestamp", "2026-01-01T00:00:00Z");
    JsonObject creds = new JsonObject().put("access", "ak").put("verb", "GET").put("host", "ec2.example:8773").put("path", "/")
      .put("params", params);
    String toSign = "GET\nec2.example:8773\n/\n"
      + "AWSAccessKeyId=ak&Action=DescribeInstances&SignatureMethod=HmacSHA256&SignatureVersion=2&Timestamp=2026-01-01T00%3A00%3A00Z";
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec("s3cr3t".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    String byHand = Base64.getEncoder().encodeToString(mac.doFinal(toSign.getBytes(StandardCharsets.UTF_8)));
    assertThat(Ec2Signature.expected(creds, "s3cr3t")).isEqualTo(byHand);
    assertThat(Ec2Signature.matches(byHand, byHand)).isTrue();
    assertThat(Ec2Signature.matches(byHand, byHand.substring(1))).isFalse();
    params.put("SignatureVersion", "1");
    assertThat(Ec2Signature.expected(creds, "s3cr3t")).isNull();
  }
}

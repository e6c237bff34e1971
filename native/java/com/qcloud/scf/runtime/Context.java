package com.qcloud.scf.runtime;

/**
 * The invocation's context, as the cloud's Java runtime hands it to a
 * handler method that declares it as its second parameter. isola provides
 * this interface (compiled with the bootstrap): a package built against the
 * cloud's own scf-java-core finds the same names here.
 */
public interface Context {
    String getRequestId();

    int getMemoryLimitInMb();

    int getTimeLimitInMs();

    /** Milliseconds left before the invocation's timeout. */
    int getRemainingTimeInMillis();

    String getFunctionName();

    String getFunctionVersion();

    String getNamespace();

    /** The function's environment variables as a JSON object text. */
    String getEnvironment();
}

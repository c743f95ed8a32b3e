/** Tab completion of service and topic names. */
package io.courier.shell.completers;

/** File systems of the warehouse: Hadoop's local one without a process started per file. */
package dev.lakepipe.storage;
